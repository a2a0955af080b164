import Cluster
import ClusterIO
import GRDB
import XMPPCore

/// `vcard.*` (XEP-0054), `private.*` (XEP-0049) and `offline.*` (XEP-0160).
enum UserDataOperations {
    // MARK: vCard

    static func getVCard(_ arguments: RequestArguments, in db: Database) throws -> [String: StorageValue] {
        let user = try arguments.account()
        try AccountOperations.requireAccount(user, in: db)
        let xml = try String.fetchOne(db, sql: "SELECT xml FROM vcards WHERE user = ?", arguments: [user])
        return xml.map { ["xml": .string($0)] } ?? [:]
    }

    static func setVCard(
        _ arguments: RequestArguments, limits: StorageLimits, now: Int64, in db: Database
    ) throws -> [String: StorageValue] {
        let user = try arguments.account()
        let element = try arguments.xml(maxBytes: limits.vcardMaxBytes)
        guard element.name == "vCard", element.namespace == XMPPNamespace.vcard else {
            throw StorageFailure.badRequest("expected <vCard xmlns='vcard-temp'/>")
        }
        try AccountOperations.requireAccount(user, in: db)
        try db.execute(
            sql: """
                INSERT INTO vcards (user, xml, updated_at) VALUES (?, ?, ?)
                ON CONFLICT (user) DO UPDATE SET xml = excluded.xml, updated_at = excluded.updated_at
                """,
            arguments: [user, element.serialized(), now])
        return [:]
    }

    // MARK: Private XML

    static func getPrivate(_ arguments: RequestArguments, in db: Database) throws -> [String: StorageValue] {
        let user = try arguments.account()
        let namespace = try privateNamespace(arguments)
        try AccountOperations.requireAccount(user, in: db)
        let xml = try String.fetchOne(
            db, sql: "SELECT xml FROM private_xml WHERE user = ? AND namespace = ?", arguments: [user, namespace])
        return xml.map { ["xml": .string($0)] } ?? [:]
    }

    static func setPrivate(
        _ arguments: RequestArguments, limits: StorageLimits, in db: Database
    ) throws -> [String: StorageValue] {
        let user = try arguments.account()
        let namespace = try privateNamespace(arguments)
        let element = try arguments.xml(maxBytes: limits.privateMaxBytes)
        guard element.namespace == namespace else {
            throw StorageFailure.badRequest("the element's namespace is not ns")
        }
        try AccountOperations.requireAccount(user, in: db)
        try db.execute(
            sql: """
                INSERT INTO private_xml (user, namespace, xml) VALUES (?, ?, ?)
                ON CONFLICT (user, namespace) DO UPDATE SET xml = excluded.xml
                """,
            arguments: [user, namespace, element.serialized()])
        return [:]
    }

    /// XEP-0049 §3: `jabber:*` namespaces belong to the protocol, not to
    /// clients' private data; they are `not-acceptable`.
    private static func privateNamespace(_ arguments: RequestArguments) throws(StorageFailure) -> String {
        let namespace = try arguments.required("ns")
        if namespace.hasPrefix("jabber:") { throw .notAcceptable("jabber:* namespaces cannot be stored") }
        return namespace
    }

    // MARK: Offline messages

    /// Refused with `service-unavailable` for an unknown user (RFC 6121
    /// §8.5.2.2.1) and over the per-user cap (XEP-0160 §3, "storage full").
    static func storeOffline(
        _ arguments: RequestArguments, limits: StorageLimits, now: Int64, in db: Database
    ) throws -> [String: StorageValue] {
        let user = try arguments.account()
        let element = try arguments.xml(maxBytes: limits.stanzaMaxBytes)
        guard element.name == "message" else { throw StorageFailure.badRequest("expected a <message/>") }
        guard try AccountOperations.exists(user, in: db) else {
            throw StorageFailure(.serviceUnavailable, "no such user")
        }
        let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM offline_messages WHERE user = ?", arguments: [user]) ?? 0
        guard count < limits.offlineMaxMessages else {
            throw StorageFailure(.serviceUnavailable, "offline storage full")
        }
        try db.execute(
            sql: "INSERT INTO offline_messages (user, xml, stored_at) VALUES (?, ?, ?)",
            arguments: [user, element.serialized(), now])
        return ["stored": .int(Int64(count + 1))]
    }

    /// Returns every offline message in order and deletes them in the same
    /// transaction; recorded as an applied request, so a replay returns the
    /// same messages instead of none.
    static func takeOffline(_ arguments: RequestArguments, in db: Database) throws -> [String: StorageValue] {
        let user = try arguments.account()
        try AccountOperations.requireAccount(user, in: db)
        let rows = try Row.fetchAll(
            db, sql: "SELECT xml, stored_at FROM offline_messages WHERE user = ? ORDER BY id", arguments: [user])
        try db.execute(sql: "DELETE FROM offline_messages WHERE user = ?", arguments: [user])
        let messages = rows.map { OfflineMessage(xml: $0["xml"], storedAtMilliseconds: $0["stored_at"]) }
        return ["messages": .list(messages.map(\.storageValue))]
    }
}
