import Cluster
import GRDB
import Redis

/// The block list cache in Redis (`blocklist:{bare}` sets and
/// `blocklist:ready`, docs/redis-protocol.md): routers check every stanza
/// against the lists of its sender and addressee, so they read them from
/// Redis in the batch's one pipelined read instead of asking storage.
///
/// Storage is the only writer. After every batch it rewrites the lists the
/// batch may have changed — each in one `MULTI`, so a reader never sees a
/// list half written — before it pushes the replies. After every
/// (re)connection to Redis it rewrites every non-empty list and then sets
/// `blocklist:ready`: only then may a router read a missing key as an empty
/// list. Most users block nobody and have no key at all.
struct BlockListCache: Sendable {
    let keys: ClusterKeys

    /// The users whose list `request` may change (applied or replayed):
    /// block and unblock, and account creation and deletion (a new account
    /// starts with nothing blocked, a deleted one takes its list along).
    static func users(of request: StorageRequest) -> [String] {
        switch request.operation {
        case .blockListBlock, .blockListUnblock, .accountCreate, .accountDelete:
            return [(try? RequestArguments(request).account())].compactMap { $0 }
        default:
            return []
        }
    }

    /// The commands that make `blocklist:{user}` hold `items` (deleted when empty).
    func commands(user: String, items: [String]) -> [[any RESPArgument]] {
        let key = keys.blockList(bare: user)
        guard !items.isEmpty else { return [["DEL", key]] }
        return [["DEL", key], ["SADD", key] + items.map { $0 as any RESPArgument }]
    }

    /// Rewrites the lists of `users` from the database, one `MULTI` each.
    func refresh(_ users: [String], from database: any DatabaseReader, to redis: any RedisCommandSender) async throws {
        guard !users.isEmpty else { return }
        let lists = try await database.read { db in try users.map { try BlockListOperations.items(of: $0, in: db) } }
        for (user, items) in zip(users, lists) {
            _ = try await redis.transaction(commands(user: user, items: items))
        }
    }

    /// Rewrites every non-empty list, then sets `blocklist:ready`. Runs before
    /// the consumer answers anything, so no batch changes a list meanwhile;
    /// routers do not trust the keys until the end (the consumer deleted
    /// `blocklist:ready` when it connected). A key left from a database that
    /// was since restored from a backup stays: docs/storage.md says to delete
    /// the cache keys after a restore.
    func rebuild(from database: any DatabaseReader, to redis: any RedisCommandSender) async throws {
        let lists = try await database.read { db in try BlockListOperations.everyList(in: db) }
        try await CacheRebuild.write(
            lists.lazy.map { commands(user: $0.key, items: $0.value) }, thenSet: keys.blockListsReady, to: redis)
    }
}
