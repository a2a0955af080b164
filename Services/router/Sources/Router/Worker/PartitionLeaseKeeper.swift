import Cluster
import Logging
import Metrics
import Redis
import Synchronization

/// Carries out `PartitionLeases` plans against Redis once per beat: which
/// routers are alive, `SET NX PX` to acquire, compare-and-renew, and
/// compare-and-delete to release (docs/redis-protocol.md, "Into the routers").
final class PartitionLeaseKeeper: Sendable {
    let redis: any RedisCommandSender
    let keys: ClusterKeys
    private let state: Mutex<PartitionLeases>
    /// Partitions acquired since their pending entries were last claimed.
    private let unclaimed = Mutex<Set<Int>>([])

    init(redis: any RedisCommandSender, keys: ClusterKeys, leases: PartitionLeases) {
        self.redis = redis
        self.keys = keys
        self.state = Mutex(leases)
    }

    var me: NodeID { state.withLock { $0.me } }
    var leaseMilliseconds: Int { state.withLock { Int($0.leaseDuration.components.seconds * 1000) } }

    /// One beat: look at the live routers, then acquire, renew and release.
    func beat() async throws {
        let routers = try await liveRouters()
        let now = ContinuousClock.now
        let plan = state.withLock { $0.plan(liveRouters: routers, now: now) }
        let me = self.me.rawValue
        let px = leaseMilliseconds
        var commands: [[any RESPArgument]] = []
        for partition in plan.acquire {
            commands.append(["SET", keys.routeLease(partition: partition), me, "NX", "PX", px])
        }
        for partition in plan.renew {
            commands.append(["EVALSHA", Self.renewScript.sha1, 1, keys.routeLease(partition: partition), me, px])
        }
        for partition in plan.release {
            commands.append(["EVALSHA", Self.releaseScript.sha1, 1, keys.routeLease(partition: partition), me])
        }
        guard !commands.isEmpty else { return }
        // The scripts are loaded only when Redis does not know them (after a restart).
        let replies = try await redis.pipeline(commands, loading: [Self.renewScript, Self.releaseScript])
        var index = 0
        state.withLock { leases in
            for partition in plan.acquire {
                if replies[index].string == "OK" { leases.granted(partition, sentAt: now) } else { leases.refused(partition) }
                index += 1
            }
            for partition in plan.renew {
                if replies[index].int == 1 { leases.granted(partition, sentAt: now) } else { leases.refused(partition) }
                index += 1
            }
            for partition in plan.release {
                leases.released(partition)
                index += 1
            }
        }
        RouterMetrics.partitions.record(state.withLock { $0.held.count })
        let acquired = plan.acquire.enumerated().filter { replies[$0.offset].string == "OK" }.map(\.element)
        if !acquired.isEmpty { unclaimed.withLock { $0.formUnion(acquired) } }
    }

    /// Partitions this router may process now.
    func processable() -> [Int] {
        let now = ContinuousClock.now
        return state.withLock { $0.processable(now: now) }
    }

    func mayProcess(_ partition: Int) -> Bool {
        let now = ContinuousClock.now
        return state.withLock { $0.mayProcess(partition, now: now) }
    }

    /// Takes the partitions (of those `included`) whose previous owner's
    /// pending entries must be claimed first.
    func takeUnclaimed(where included: (Int) -> Bool = { _ in true }) -> Set<Int> {
        unclaimed.withLock { set in
            let taken = set.filter(included)
            set.subtract(taken)
            return taken
        }
    }

    /// The partition's pending entries must be claimed again before new ones
    /// are read (routing an entry failed half-way).
    func markUnclaimed(_ partition: Int) {
        unclaimed.withLock { _ = $0.insert(partition) }
    }

    /// Every held partition must be claimed again before new entries are read
    /// (the connection to Redis dropped mid-batch).
    func markHeldUnclaimed() {
        let held = state.withLock { Set($0.held.keys) }
        unclaimed.withLock { $0.formUnion(held) }
    }

    /// Gives every held lease back (graceful shutdown), so the others take over at once.
    func releaseAll() async {
        let held = state.withLock { Array($0.held.keys) }
        guard !held.isEmpty else { return }
        let me = self.me.rawValue
        _ = try? await redis.pipeline(
            held.map { ["EVALSHA", Self.releaseScript.sha1, 1, keys.routeLease(partition: $0), me] },
            loading: [Self.releaseScript])
        state.withLock { leases in for partition in held { leases.released(partition) } }
    }

    /// Routers whose `node:{id}` record is alive.
    func liveRouters() async throws -> [NodeID] {
        let members = try await redis.send(["SMEMBERS", keys.nodes]).array?.compactMap(\.string) ?? []
        let ids = members.compactMap(NodeID.init)
        guard !ids.isEmpty else { return [me] }
        let roles = try await redis.pipeline(ids.map { ["HGET", keys.node($0), "role"] })
        var live = zip(ids, roles).filter { $0.1.string == "router" }.map(\.0)
        if !live.contains(me) { live.append(me) }
        return live
    }

    // KEYS: lease. ARGV: me, px.
    static let renewScript = RedisScript(
        "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0")
    // KEYS: lease. ARGV: me.
    static let releaseScript = RedisScript(
        "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0")
}
