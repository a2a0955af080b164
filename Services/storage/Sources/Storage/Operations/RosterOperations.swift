import Cluster
import ClusterIO
import GRDB
import XMPPCore

/// `roster.get`, `roster.set`, `roster.remove` (RFC 6121 §2) and
/// `subscription.pending`.
enum RosterOperations {
    static func get(_ arguments: RequestArguments, in db: Database) throws -> [String: StorageValue] {
        let user = try arguments.account()
        try AccountOperations.requireAccount(user, in: db)
        return try RosterTable.snapshot(of: user, in: db).result
    }

    /// A client's roster set: name and groups change, the subscription fields
    /// are the server's and stay as they are (RFC 6121 §2.1.5).
    static func set(
        _ arguments: RequestArguments, limits: StorageLimits, in db: Database
    ) throws -> [String: StorageValue] {
        let user = try arguments.account()
        let element = try arguments.xml(maxBytes: limits.stanzaMaxBytes)
        guard element.name == "item", element.namespace == nil || element.namespace == XMPPNamespace.roster else {
            throw StorageFailure.badRequest("expected a roster <item/>")
        }
        if element[attribute: "subscription"] == "remove" {
            throw StorageFailure.badRequest("use roster.remove to remove an item")
        }
        guard let rawJID = element[attribute: "jid"], let jid = try? JID(rawJID) else {
            throw StorageFailure.badRequest("item without a valid jid")
        }
        guard jid.isBare else { throw StorageFailure.badRequest("roster items hold bare JIDs") }
        let name = element[attribute: "name"].flatMap { $0.isEmpty ? nil : $0 }
        let groups = element.children(named: "group", namespace: element.namespace).map(\.text)
        try validate(name: name, groups: groups, limits: limits)
        try AccountOperations.requireAccount(user, in: db)

        var item = try RosterTable.item(of: user, contact: jid.description, in: db)
            ?? RosterItemRecord(jid: jid.description)
        item.name = name
        item.groups = groups
        try RosterTable.save(item, for: user, in: db)
        let version = try RosterTable.bumpVersion(of: user, in: db)
        return RosterPush(user: user, version: version, item: item).storageValue.object ?? [:]
    }

    /// RFC 6121 §2.3.3 and §2.5: duplicate groups are a `bad-request`, empty or
    /// overlong names and groups `not-acceptable`.
    static func validate(name: String?, groups: [String], limits: StorageLimits) throws {
        if let name, name.utf8.count > limits.rosterTextMaxBytes {
            throw StorageFailure.notAcceptable("name too long")
        }
        for group in groups {
            if group.isEmpty { throw StorageFailure.notAcceptable("empty group name") }
            if group.utf8.count > limits.rosterTextMaxBytes { throw StorageFailure.notAcceptable("group name too long") }
        }
        if Set(groups).count != groups.count { throw StorageFailure.badRequest("duplicate group") }
    }

    /// Removes an item and any pending request from that contact; the push
    /// carries the item as it was.
    static func remove(_ arguments: RequestArguments, in db: Database) throws -> [String: StorageValue] {
        let user = try arguments.account()
        let contact = try arguments.bareJID("contact")
        try AccountOperations.requireAccount(user, in: db)
        guard let item = try RosterTable.item(of: user, contact: contact, in: db) else {
            throw StorageFailure(.itemNotFound, "no such roster item")
        }
        try RosterTable.delete(contact: contact, of: user, in: db)
        try RosterTable.removePending(contact, for: user, in: db)
        let version = try RosterTable.bumpVersion(of: user, in: db)
        return RosterPush(user: user, version: version, item: item, removed: true).storageValue.object ?? [:]
    }

    static func pending(_ arguments: RequestArguments, in db: Database) throws -> [String: StorageValue] {
        let user = try arguments.account()
        try AccountOperations.requireAccount(user, in: db)
        return ["requests": .list(try RosterTable.pending(for: user, in: db).map(\.storageValue))]
    }
}
