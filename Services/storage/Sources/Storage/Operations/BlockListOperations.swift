import Cluster
import ClusterIO
import GRDB

/// `blocklist.get`, `blocklist.block` and `blocklist.unblock` (XEP-0191).
/// Items are JIDs of any of the four forms of XEP-0191 §6, normalised by
/// `RequestArguments.jidList` before they are compared or kept.
enum BlockListOperations {
    static func get(_ arguments: RequestArguments, in db: Database) throws -> [String: StorageValue] {
        let user = try arguments.account()
        try AccountOperations.requireAccount(user, in: db)
        return ["items": .list(try items(of: user, in: db).map(StorageValue.string))]
    }

    /// Adds the JIDs not blocked yet. Going over `limits.blockListMaxItems`
    /// refuses the whole command with `policy-violation` (RFC 6120 §8.3.3.12:
    /// a local service policy; type `modify`, since blocking fewer works).
    static func block(
        _ arguments: RequestArguments, limits: StorageLimits, now: Int64, in db: Database
    ) throws -> [String: StorageValue] {
        let user = try arguments.account()
        let jids = try arguments.jidList("items")
        guard !jids.isEmpty else { throw StorageFailure.badRequest("nothing to block") }
        try AccountOperations.requireAccount(user, in: db)
        var added: [String] = []
        for jid in jids {
            try db.execute(
                sql: "INSERT OR IGNORE INTO blocklist_items (user, jid, blocked_at) VALUES (?, ?, ?)",
                arguments: [user, jid, now])
            if db.changesCount > 0 { added.append(jid) }
        }
        let all = try items(of: user, in: db)
        guard all.count <= limits.blockListMaxItems else {
            throw StorageFailure(.policyViolation, "a block list holds at most \(limits.blockListMaxItems) JIDs")
        }
        return BlockListChange(items: all, changed: added).result
    }

    /// Removes the JIDs given, or every JID when none is given (§3.5).
    /// Unblocking a JID that is not blocked changes nothing and is no error.
    static func unblock(_ arguments: RequestArguments, in db: Database) throws -> [String: StorageValue] {
        let user = try arguments.account()
        let jids = try arguments.jidList("items")
        try AccountOperations.requireAccount(user, in: db)
        var removed: [String] = []
        if jids.isEmpty {
            removed = try items(of: user, in: db)
            try db.execute(sql: "DELETE FROM blocklist_items WHERE user = ?", arguments: [user])
        } else {
            for jid in jids {
                try db.execute(sql: "DELETE FROM blocklist_items WHERE user = ? AND jid = ?", arguments: [user, jid])
                if db.changesCount > 0 { removed.append(jid) }
            }
        }
        return BlockListChange(items: try items(of: user, in: db), changed: removed).result
    }

    /// The JIDs `user` blocked, sorted.
    static func items(of user: String, in db: Database) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT jid FROM blocklist_items WHERE user = ? ORDER BY jid", arguments: [user])
    }

    /// Every non-empty block list, by user (for rebuilding the Redis cache).
    static func everyList(in db: Database) throws -> [String: [String]] {
        var lists: [String: [String]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT user, jid FROM blocklist_items ORDER BY user, jid") {
            lists[row["user"], default: []].append(row["jid"])
        }
        return lists
    }
}
