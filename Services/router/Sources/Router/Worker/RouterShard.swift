import Logging
import NIOCore
import Redis
import Runtime

/// One slice of a router's partitions (partition `p` belongs to shard
/// `p % count`), routed on one NIO event loop with a Redis client of its own on
/// that loop: the shard's blocking read, its account reads and its commits all
/// complete on the thread its routing task runs on, so an entry crosses no
/// thread between reading, routing and committing. A router runs one shard per
/// event loop (docs/routing.md, "Inside a router").
public struct RouterShard: Sendable {
    public let index: Int
    public let count: Int
    /// The shard's Redis client; a service of the router process, run before
    /// the worker and stopped after it.
    public let redis: RedisClient
    let executor: EventLoopTaskExecutor
    let context: any RoutingContext

    public init(index: Int, count: Int, redis: RedisClient, eventLoop: any EventLoop, context: any RoutingContext) {
        precondition(count > 0 && (0..<count).contains(index), "shard \(index) of \(count)")
        self.index = index
        self.count = count
        self.redis = redis
        self.executor = EventLoopTaskExecutor(eventLoop)
        self.context = context
    }

    /// Whether `partition` is routed by this shard.
    public func owns(_ partition: Int) -> Bool {
        partition % count == index
    }

    /// One shard per loop of `group`, each with its own Redis client (a copy of
    /// `redis`'s configuration) on that loop and the routing context `makeContext`
    /// builds over that client.
    public static func onEveryLoop(
        of group: any EventLoopGroup, redis configuration: RedisConfiguration, logger: Logger,
        makeContext: (RedisClient) -> any RoutingContext
    ) -> [RouterShard] {
        let loops = Array(group.makeIterator())
        return loops.enumerated().map { index, loop in
            var shardLogger = logger
            shardLogger[metadataKey: "router.shard"] = "\(index)"
            let client = RedisClient(configuration: configuration, logger: shardLogger, eventLoopGroup: loop)
            return RouterShard(index: index, count: loops.count, redis: client, eventLoop: loop, context: makeContext(client))
        }
    }
}
