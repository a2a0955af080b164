import Cluster
import GRDB
import Redis

/// The `waiting:{bare}` hashes (docs/redis-protocol.md, "What waits at login"):
/// whether a user has offline messages or unanswered subscription requests,
/// so that a router asks storage for them at login only when there are some.
///
/// Storage is the only writer: after each batch it rewrites the flags of the
/// users the batch may have changed, before it replies; after each
/// (re)connection to Redis it rewrites the flags of every user with something
/// waiting and then sets `waiting:ready`. A flag left set with nothing behind
/// it costs a router one storage request; a flag missing while something
/// waits would hide it, which the rebuild before `waiting:ready` rules out.
struct WaitingFlags: Sendable {
    let keys: ClusterKeys

    struct Flags: Sendable, Hashable {
        var offline: Bool
        var pending: Bool
    }

    /// The users whose flags `request` may change.
    static func users(of request: StorageRequest) -> [String] {
        let arguments = RequestArguments(request)
        switch request.operation {
        case .offlineStore, .offlineTake, .rosterRemoveItem, .accountDelete, .accountCreate:
            return [(try? arguments.account())].compactMap { $0 }
        case .subscriptionApply:
            return [(try? arguments.account()), (try? arguments.bareJID("contact"))].compactMap { $0 }
        default:
            return []
        }
    }

    static func flags(of user: String, in db: Database) throws -> Flags {
        let row = try Row.fetchOne(
            db,
            sql: """
                SELECT EXISTS (SELECT 1 FROM offline_messages WHERE user = ?) AS offline,
                       EXISTS (SELECT 1 FROM pending_subscriptions WHERE user = ?) AS pending
                """,
            arguments: [user, user])
        return Flags(offline: row?["offline"] ?? false, pending: row?["pending"] ?? false)
    }

    /// Every user with something waiting, and what.
    static func everyoneWaiting(in db: Database) throws -> [String: Flags] {
        var result: [String: Flags] = [:]
        for user in try String.fetchAll(db, sql: "SELECT DISTINCT user FROM offline_messages") {
            result[user, default: Flags(offline: false, pending: false)].offline = true
        }
        for user in try String.fetchAll(db, sql: "SELECT DISTINCT user FROM pending_subscriptions") {
            result[user, default: Flags(offline: false, pending: false)].pending = true
        }
        return result
    }

    /// The commands that make `waiting:{user}` say `flags`.
    func commands(user: String, flags: Flags) -> [[any RESPArgument]] {
        let key = keys.waiting(bare: user)
        var commands: [[any RESPArgument]] = [["DEL", key]]
        var hset: [any RESPArgument] = ["HSET", key]
        if flags.offline { hset += ["offline", "1"] }
        if flags.pending { hset += ["pending", "1"] }
        if hset.count > 2 { commands.append(hset) }
        return commands
    }

    /// Rewrites every user's flags from the database, then sets `waiting:ready`.
    /// Runs before the consumer answers anything, so no batch changes the
    /// database meanwhile. Flags of users with nothing waiting any more are left
    /// (harmless: one storage request at their next login).
    func rebuild(from database: any DatabaseReader, to redis: any RedisCommandSender) async throws {
        let everyone = try await database.read { db in try Self.everyoneWaiting(in: db) }
        try await CacheRebuild.write(
            everyone.lazy.map { commands(user: $0.key, flags: $0.value) }, thenSet: keys.waitingReady, to: redis)
    }
}
