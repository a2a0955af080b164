import Cluster
import Logging
import Redis
import ServiceLifecycle

/// Keeps this process's liveness record in Redis (`docs/redis-protocol.md`,
/// "Nodes"): every `interval` it writes `node:{id}` (a hash) with a TTL and adds
/// the id to `nodes`, in one transaction. Because every beat rewrites the whole
/// record, a node comes back by itself after a Redis restart or a stall that let
/// its record expire. On graceful shutdown it deletes its record and leaves
/// `nodes`. It also reports Redis reachability as the `redis` readiness check.
public final class NodeHeartbeat: Service, Sendable {
    public let record: NodeRecord
    private let redis: RedisClient
    private let keys: ClusterKeys
    private let interval: Duration
    private let ttl: Duration
    private let readiness: Readiness
    private let recreations: NodeRecordRecreations
    private let settingsCheck: ClusterSettingsCheck?
    private let logger: Logger

    public init(
        record: NodeRecord, redis: RedisClient, keys: ClusterKeys, interval: Duration, ttl: Duration,
        readiness: Readiness, recreations: NodeRecordRecreations = NodeRecordRecreations(),
        settingsCheck: ClusterSettingsCheck? = nil, logger: Logger
    ) {
        self.settingsCheck = settingsCheck
        self.record = record
        self.redis = redis
        self.keys = keys
        self.interval = interval
        self.ttl = ttl
        self.readiness = readiness
        self.recreations = recreations
        self.logger = logger
        readiness.register(Self.readinessCheck)
    }

    /// How often (in beats) the cluster's settings are compared; at the
    /// first beat too, before the node joins.
    static let settingsCheckBeats = 30

    /// The name of the readiness check this service drives.
    public static let readinessCheck = "redis"

    public func run() async throws {
        var failing = false
        var written = false
        var beats = 0
        var reported: Set<ClusterSettingsCheck.Drift> = []
        var generation = redis.connectionGeneration
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                if let settingsCheck, beats % Self.settingsCheckBeats == 0 {
                    let drifts = try await settingsCheck.drifts(redis: redis, keys: keys, me: record.id)
                    if !written, let refusal = settingsCheck.refusal(among: drifts) { throw refusal }
                    for drift in Set(drifts).subtracting(reported) {
                        logger.warning(
                            "cluster settings differ from another node's",
                            metadata: ["other.node": "\(drift.node)", "settings": "\(drift.settings.joined(separator: ","))"])
                    }
                    reported = Set(drifts)
                }
                beats += 1
                let connected = redis.connectionGeneration
                let existed = try await beat()
                if written && !existed {
                    logger.notice("node record was gone; telling services to register again")
                    recreations.publish()
                } else if written && connected != generation {
                    // A new connection may be to another server: a replica
                    // promoted by Sentinel that missed the last writes before
                    // the failover. Whatever is missing is written back.
                    logger.notice("redis connection is new; telling services to register again")
                    recreations.publish()
                }
                generation = connected
                written = true
                if failing { logger.info("node record restored in redis") }
                failing = false
                readiness.set(Self.readinessCheck, passing: true)
            } catch let refusal as ClusterSettingsCheck.Refusal {
                throw refusal
            } catch {
                if !failing { logger.warning("node heartbeat failed", metadata: ["error": "\(error)"]) }
                failing = true
                readiness.set(Self.readinessCheck, passing: false)
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval) }
        }
        readiness.set(Self.readinessCheck, passing: false)
        do {
            try await deregister()
            logger.info("node deregistered")
        } catch {
            logger.warning("node could not deregister; its record will expire", metadata: ["error": "\(error)"])
        }
    }

    /// One beat: the record, its TTL and the membership, atomically. Returns
    /// whether the record was still there before the beat.
    @discardableResult
    public func beat() async throws -> Bool {
        let key = keys.node(record.id)
        var hset: [any RESPArgument] = ["HSET", key]
        for (field, value) in record.fields { hset += [field, value] }
        let results = try await redis.transaction([
            ["EXISTS", key],
            hset,
            ["PEXPIRE", key, Int(ttl.components.seconds * 1000 + ttl.components.attoseconds / 1_000_000_000_000_000)],
            ["SADD", keys.nodes, record.id.rawValue],
        ])
        return results.first?.int == 1
    }

    /// Removes the record and the membership.
    public func deregister() async throws {
        _ = try await redis.evaluate(
            Self.deregisterScript, keys: [keys.node(record.id), keys.nodes, keys.nodeSessions(record.id)],
            arguments: [record.id.rawValue])
    }

    // KEYS: node:{id}, nodes, node:{id}:sessions. ARGV: node id. A node that
    // still lists sessions (XEP-0198 sessions waiting for their clients to
    // resume them elsewhere) stays in `nodes`, so the routers' sweeper takes
    // care of them as for a node that died.
    static let deregisterScript = RedisScript(
        """
        redis.call('DEL', KEYS[1])
        if redis.call('SCARD', KEYS[3]) == 0 then redis.call('SREM', KEYS[2], ARGV[1]) end
        return 1
        """)
}
