import Cluster
import Logging
import Redis

extension StorageClient {
    /// For short-lived tools (`trellisctl`): runs a Redis client and a storage
    /// client around `body` and stops both afterwards.
    ///
    /// Throws `.unavailable` when Redis cannot be reached within `connectTimeout`,
    /// so a tool can tell "Redis is down" from "storage refused".
    public static func withClient<Result: Sendable>(
        redis configuration: RedisConfiguration, keys: ClusterKeys, nodeID: NodeID, timeout: Duration,
        logger: Logger, connectTimeout: Duration = .seconds(3),
        _ body: (StorageClient) async throws -> Result
    ) async throws -> Result {
        let redis = RedisClient(configuration: configuration, logger: logger)
        let client = StorageClient(
            redis: redis, keys: keys, nodeID: nodeID, timeout: timeout, logger: logger, pollInterval: .milliseconds(100))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await redis.run() }
            group.addTask { try await client.run() }
            defer { group.cancelAll() }
            let deadline = ContinuousClock.now + connectTimeout
            while !(redis.isConnected && client.isListening) {
                guard ContinuousClock.now < deadline else {
                    throw StorageClientError.unavailable("redis at \(configuration.address) is unreachable")
                }
                try await Task.sleep(for: .milliseconds(10))
            }
            return try await body(client)
        }
    }
}
