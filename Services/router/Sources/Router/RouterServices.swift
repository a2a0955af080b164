import ClusterIO
import NIOPosix
import Runtime
import ServiceLifecycle

/// The router role's services, in start order: the shards' Redis clients (one
/// per event loop), the account cache's invalidation, the storage client, the
/// routing worker (leases and partitions), the dead-node sweeper. Shutdown runs backwards: the sweeper
/// stops, the worker finishes its entry and releases its leases so other
/// routers take over at once, then the storage client and the shards' clients
/// stop.
public enum RouterServices {
    public static func make(context: TrellisContext) -> [any Service] {
        let configuration = context.configuration
        let storage = StorageClient(
            redis: context.redis, keys: context.keys, nodeID: context.nodeID,
            timeout: .milliseconds(configuration.common.storageRequestTimeoutMilliseconds), logger: context.logger)
        let cache = configuration.router.accountCache ? AccountCache() : nil
        let shards = RouterShard.onEveryLoop(
            of: MultiThreadedEventLoopGroup.singleton, redis: context.redis.configuration, logger: context.logger
        ) { redis in
            ClusterRoutingContext(
                domains: Set(configuration.common.domains), redis: redis, keys: context.keys, node: context.nodeID,
                storage: storage, archiving: configuration.archive.enabled, cache: cache)
        }
        let worker = RouterWorker(
            redis: context.redis, keys: context.keys, node: context.nodeID, partitions: configuration.router.partitions,
            batchSize: configuration.router.batchSize, shards: shards, accountCache: cache, logger: context.logger)
        let sweeper = DeadNodeSweeper(
            redis: context.redis, keys: context.keys, me: context.nodeID, partitions: configuration.router.partitions,
            logger: context.logger)
        let expirer = ManagedSessionExpirer(
            redis: context.redis, keys: context.keys, me: context.nodeID, partitions: configuration.router.partitions,
            logger: context.logger)
        let invalidation: [any Service] = cache.map {
            [AccountCacheInvalidation(redis: context.redis, keys: context.keys, cache: $0, node: context.nodeID, logger: context.logger)]
        } ?? []
        return shards.map(\.redis) + invalidation + [storage, worker, sweeper, expirer]
    }
}
