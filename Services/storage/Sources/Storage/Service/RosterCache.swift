import Cluster
import ClusterIO
import Redis

/// The roster read cache in Redis (`roster:{bare}`, `docs/redis-protocol.md`):
/// a hash of contact bare JID → compact JSON item, plus `@version`.
///
/// Storage rewrites a user's whole hash after every change to that roster
/// (and on every `roster.get`, which is how a missing cache is rebuilt), in one
/// `MULTI` on one key, so a reader never sees half a roster. The hash has no
/// TTL: it is always rewritten after a change, and a lost one (Redis restart)
/// is a miss that `roster.get` repairs.
struct RosterCache: Sendable {
    let keys: ClusterKeys

    /// The commands that replace the cache of `user` with `snapshot`, or only
    /// delete it when `snapshot` is `nil` (the account is gone).
    func commands(user: String, snapshot: RosterSnapshot?) -> [[any RESPArgument]] {
        let key = keys.rosterCache(bare: user)
        guard let snapshot else { return [["DEL", key]] }
        var hset: [any RESPArgument] = ["HSET", key, ClusterKeys.rosterCacheVersionField, snapshot.versionString]
        for item in snapshot.items { hset += [item.jid, item.json] }
        return [["DEL", key], hset]
    }

    func write(user: String, snapshot: RosterSnapshot?, to redis: any RedisCommandSender) async throws {
        _ = try await redis.transaction(commands(user: user, snapshot: snapshot))
    }
}
