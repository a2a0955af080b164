import Cluster
import Logging
import Prometheus
import Redis

/// What a role's services get from the process shell.
public struct TrellisContext: Sendable {
    public let configuration: TrellisConfiguration
    /// `trellis.<role>` with `node.id` and `role`; services derive their loggers from it.
    public let logger: Logger
    /// Services register their readiness checks here; `/ready` reports them.
    public let readiness: Readiness
    /// The registry `/metrics` serves (swift-metrics is bootstrapped onto it).
    public let metrics: PrometheusCollectorRegistry
    /// This process's id in the cluster.
    public let nodeID: NodeID
    /// Every Redis key name, under the configured prefix.
    public let keys: ClusterKeys
    /// The process's Redis client; the shell runs it first and stops it last.
    public let redis: RedisClient
    /// When the heartbeat finds this node's record gone and writes it anew.
    public let recordRecreations = NodeRecordRecreations()

    public init(
        configuration: TrellisConfiguration, logger: Logger, readiness: Readiness,
        metrics: PrometheusCollectorRegistry
    ) {
        self.configuration = configuration
        self.logger = logger
        self.readiness = readiness
        self.metrics = metrics
        // The configuration validated the id with the same rules as NodeID.
        self.nodeID = NodeID(configuration.common.nodeID)!
        self.keys = ClusterKeys(prefix: configuration.common.redis.keyPrefix)
        self.redis = RedisClient(configuration: configuration.common.redis.clientConfiguration, logger: logger)
    }
}
