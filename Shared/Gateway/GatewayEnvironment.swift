import Cluster
import Logging
import Redis

/// What every client session on a gateway node shares.
public struct GatewayEnvironment: Sendable {
    public var node: NodeID
    public var keys: ClusterKeys
    public var redis: any RedisCommandSender
    public var registry: SessionRegistry
    public var routes: RouteQueue
    public var sessions: LocalSessions
    public var credentials: any CredentialSource
    public var maxResourcesPerAccount: Int
    /// Failed SASL attempts per account across the cluster.
    public var authenticationThrottle: AccountAuthenticationThrottle
    /// Secret behind the decoy credentials of unknown accounts (RFC 5802 §9); one per process.
    public var decoySecret: [UInt8]
    /// XEP-0198 state in Redis, and the longest a detached session waits for
    /// its client (`stream_management.max_seconds`; 0 turns resumption off).
    public var resumption: ResumptionStore
    public var streamManagementMaxSeconds: Int
    /// The most a client may leave unread before it is disconnected
    /// (`max_outbound_bytes`, `OutboundWriter`).
    public var maxOutboundBytes: Int
    /// Route backpressure (issue #16); `nil` in tests that do not run it.
    public var routeBacklog: RouteBacklogMonitor?
    public var logger: Logger

    public init(
        node: NodeID, keys: ClusterKeys, redis: any RedisCommandSender, partitions: Int, sessions: LocalSessions,
        credentials: any CredentialSource, maxResourcesPerAccount: Int,
        maxAuthenticationFailuresPerAccount: Int = 10, authenticationFailureWindowSeconds: Int = 60,
        streamManagementMaxSeconds: Int = 300, maxOutboundBytes: Int = 1 << 20, logger: Logger,
        decoySecret: [UInt8] = (0..<32).map { _ in UInt8.random(in: 0...255) }
    ) {
        self.node = node
        self.keys = keys
        self.redis = redis
        self.registry = SessionRegistry(redis: redis, keys: keys, node: node)
        self.routes = RouteQueue(redis: redis, keys: keys, partitions: partitions, node: node)
        self.sessions = sessions
        self.credentials = credentials
        self.maxResourcesPerAccount = maxResourcesPerAccount
        self.authenticationThrottle = AccountAuthenticationThrottle(
            redis: redis, keys: keys, limit: maxAuthenticationFailuresPerAccount,
            windowSeconds: authenticationFailureWindowSeconds)
        self.decoySecret = decoySecret
        self.resumption = ResumptionStore(redis: redis, keys: keys)
        self.streamManagementMaxSeconds = streamManagementMaxSeconds
        self.maxOutboundBytes = maxOutboundBytes
        self.logger = logger
    }
}
