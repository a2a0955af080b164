import ClusterIO
import Foundation
import GRDB
import XMPPCore

/// Rows of `roster_items`, `roster_versions` and `pending_subscriptions`.
enum RosterTable {
    static func version(of user: String, in db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT version FROM roster_versions WHERE user = ?", arguments: [user]) ?? 0
    }

    /// XEP-0237: every change to a roster bumps its version.
    static func bumpVersion(of user: String, in db: Database) throws -> Int64 {
        try db.execute(sql: "UPDATE roster_versions SET version = version + 1 WHERE user = ?", arguments: [user])
        return try version(of: user, in: db)
    }

    static func items(of user: String, in db: Database) throws -> [RosterItemRecord] {
        try Row.fetchAll(
            db, sql: "SELECT * FROM roster_items WHERE user = ? ORDER BY contact", arguments: [user]
        ).map(record)
    }

    static func item(of user: String, contact: String, in db: Database) throws -> RosterItemRecord? {
        try Row.fetchOne(
            db, sql: "SELECT * FROM roster_items WHERE user = ? AND contact = ?", arguments: [user, contact]
        ).map(record)
    }

    static func snapshot(of user: String, in db: Database) throws -> RosterSnapshot {
        RosterSnapshot(version: try version(of: user, in: db), items: try items(of: user, in: db))
    }

    static func save(_ item: RosterItemRecord, for user: String, in db: Database) throws {
        let groups = String(decoding: try JSONEncoder().encode(item.groups), as: UTF8.self)
        try db.execute(
            sql: """
                INSERT INTO roster_items (user, contact, name, groups, subscription, ask, approved)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (user, contact) DO UPDATE SET
                    name = excluded.name, groups = excluded.groups, subscription = excluded.subscription,
                    ask = excluded.ask, approved = excluded.approved
                """,
            arguments: [user, item.jid, item.name, groups, item.subscription.rawValue, item.ask, item.approved])
    }

    static func delete(contact: String, of user: String, in db: Database) throws {
        try db.execute(sql: "DELETE FROM roster_items WHERE user = ? AND contact = ?", arguments: [user, contact])
    }

    private static func record(_ row: Row) throws -> RosterItemRecord {
        let groupsText: String = row["groups"]
        let groups = (try? JSONDecoder().decode([String].self, from: Data(groupsText.utf8))) ?? []
        let subscription = SubscriptionState.Subscription(rawValue: row["subscription"]) ?? .none
        return RosterItemRecord(
            jid: row["contact"], name: row["name"], groups: groups, subscription: subscription,
            ask: row["ask"], approved: row["approved"])
    }

    // MARK: Pending inbound requests (RFC 6121 §3.1.3)

    static func isPending(_ contact: String, for user: String, in db: Database) throws -> Bool {
        try Bool.fetchOne(
            db, sql: "SELECT EXISTS (SELECT 1 FROM pending_subscriptions WHERE user = ? AND contact = ?)",
            arguments: [user, contact]) ?? false
    }

    /// Keeps the first request's stanza when one is already pending.
    static func addPending(_ contact: String, for user: String, stanza: String, now: Int64, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO pending_subscriptions (user, contact, stanza, received_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (user, contact) DO NOTHING
                """,
            arguments: [user, contact, stanza, now])
    }

    static func removePending(_ contact: String, for user: String, in db: Database) throws {
        try db.execute(
            sql: "DELETE FROM pending_subscriptions WHERE user = ? AND contact = ?", arguments: [user, contact])
    }

    static func pending(for user: String, in db: Database) throws -> [PendingSubscription] {
        try Row.fetchAll(
            db, sql: "SELECT contact, stanza FROM pending_subscriptions WHERE user = ? ORDER BY received_at, contact",
            arguments: [user]
        ).map { PendingSubscription(contact: $0["contact"], xml: $0["stanza"]) }
    }
}
