import Cluster
import ClusterIO
import Logging
import Redis
import ServiceLifecycle

/// What every gateway process (c2s, bosh-gateway) runs besides its listener:
/// the storage client (SASL credentials), the delivery consumer
/// (`deliver:{node}` to local sessions) and re-registration after a sweep, all
/// around one `GatewayEnvironment` the listener's sessions share.
public struct GatewayNode: Sendable {
    public let environment: GatewayEnvironment
    public let storage: StorageClient
    public let deliveries: DeliveryConsumer
    public let reRegistration: SessionReRegistration
    public let streamManagement: StreamManagementKeeper
    public let routeBacklog: RouteBacklogMonitor

    public init(
        redis: RedisClient, keys: ClusterKeys, node: NodeID, partitions: Int, maxResourcesPerAccount: Int,
        maxAuthenticationFailuresPerAccount: Int = 10, authenticationFailureWindowSeconds: Int = 60,
        streamManagementMaxSeconds: Int = 300, maxOutboundBytes: Int = 1 << 20, routeLagHigh: Int = 2000,
        routeLagLow: Int = 1000, storageTimeout: Duration, recordRecreations: AsyncStream<Void>, logger: Logger
    ) {
        storage = StorageClient(redis: redis, keys: keys, nodeID: node, timeout: storageTimeout, logger: logger)
        let sessions = LocalSessions()
        routeBacklog = RouteBacklogMonitor(
            redis: redis, keys: keys, partitions: partitions, high: routeLagHigh, low: routeLagLow, logger: logger)
        var environment = GatewayEnvironment(
            node: node, keys: keys, redis: redis, partitions: partitions, sessions: sessions,
            credentials: StorageCredentialSource(storage: storage), maxResourcesPerAccount: maxResourcesPerAccount,
            maxAuthenticationFailuresPerAccount: maxAuthenticationFailuresPerAccount,
            authenticationFailureWindowSeconds: authenticationFailureWindowSeconds,
            streamManagementMaxSeconds: streamManagementMaxSeconds, maxOutboundBytes: maxOutboundBytes, logger: logger)
        environment.routeBacklog = routeBacklog
        environment.routes.replicaWait = redis.configuration.replicaWait
        self.environment = environment
        deliveries = DeliveryConsumer(
            redis: redis, keys: keys, node: node, sessions: sessions, routes: environment.routes, logger: logger)
        reRegistration = SessionReRegistration(environment: environment, recreations: recordRecreations)
        streamManagement = StreamManagementKeeper(environment: environment)
    }

    /// The services in start order, with the role's listener last: shutdown
    /// closes the listener's streams first, then deliveries and the storage
    /// client stop.
    public func services(listener: any Service) -> [any Service] {
        [storage, deliveries, reRegistration, streamManagement, routeBacklog, listener]
    }
}
