import ClusterIO
import NIOPosix
import Runtime
import ServiceLifecycle

/// The router role's services, in start order: the shards' Redis clients (one
/// per event loop), the storage client, the routing worker (leases and
/// partitions), the dead-node sweeper. Shutdown runs backwards: the sweeper
/// stops, the worker finishes its entry and releases its leases so other
/// routers take over at once, then the storage client and the shards' clients
/// stop.
public enum RouterServices {
    public static func make(context: TrellisContext) -> [any Service] {
        let configuration = context.configuration
        let storage = StorageClient(
            redis: context.redis, keys: context.keys, nodeID: context.nodeID,
            timeout: .milliseconds(configuration.common.storageRequestTimeoutMilliseconds), logger: context.logger)
        let shards = RouterShard.onEveryLoop(
            of: MultiThreadedEventLoopGroup.singleton, redis: context.redis.configuration, logger: context.logger
        ) { redis in
            ClusterRoutingContext(
                domains: Set(configuration.common.domains), redis: redis, keys: context.keys, node: context.nodeID,
                storage: storage, archiving: configuration.archive.enabled)
        }
        let worker = RouterWorker(
            redis: context.redis, keys: context.keys, node: context.nodeID, partitions: configuration.router.partitions,
            batchSize: configuration.router.batchSize, shards: shards, logger: context.logger)
        let sweeper = DeadNodeSweeper(
            redis: context.redis, keys: context.keys, me: context.nodeID, partitions: configuration.router.partitions,
            logger: context.logger)
        let expirer = ManagedSessionExpirer(
            redis: context.redis, keys: context.keys, me: context.nodeID, partitions: configuration.router.partitions,
            logger: context.logger)
        return shards.map(\.redis) + [storage, worker, sweeper, expirer]
    }
}
