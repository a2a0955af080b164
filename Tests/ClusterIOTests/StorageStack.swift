import Cluster
import ClusterIO
import Foundation
import GRDB
import Logging
import Redis
@testable import Storage
import TestSupport

/// The pieces of a storage round trip, against one real redis-server: a Redis
/// client, a `StorageClient` (its reply loop running) and, when asked, the
/// storage consumer on a database in a temporary directory.
final class StorageStack: @unchecked Sendable {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    let server: RedisServerFixture
    let keys: ClusterKeys
    let redis: RedisClient
    let client: StorageClient
    let directory: URL
    private var tasks: [Task<Void, Never>] = []
    private var storageTask: Task<Void, Never>?

    init(server: RedisServerFixture, timeout: Duration = .seconds(5), test: String = #function) {
        self.server = server
        keys = ClusterKeys(prefix: "test:\(test.prefix { $0 != "(" }):\(UUID().uuidString.prefix(8)):")
        redis = Self.redisClient(server)
        client = StorageClient(
            redis: redis, keys: keys, nodeID: NodeID("c2s-test")!, timeout: timeout, logger: Self.logger,
            pollInterval: .milliseconds(100))
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("trellis-io-\(UUID().uuidString)")
    }

    static func redisClient(_ server: RedisServerFixture) -> RedisClient {
        RedisClient(
            configuration: RedisConfiguration(
                host: server.host, port: server.port,
                backoff: RedisBackoff(initial: .milliseconds(50), maximum: .milliseconds(300))),
            logger: logger)
    }

    var databasePath: String { directory.appendingPathComponent("trellis.sqlite").path }

    /// Starts the Redis client and the storage client's reply loop.
    func start() async throws {
        let redis = self.redis, client = self.client
        tasks.append(Task { try? await redis.run() })
        tasks.append(Task { try? await client.run() })
        try await waitUntil("storage client listening") { redis.isConnected && client.isListening }
    }

    /// Starts the storage consumer (a fresh Redis client of its own, as a
    /// separate process would have) under consumer name `consumer`.
    func startStorage(consumer: String = "storage-1", limits: StorageLimits = StorageLimits()) throws {
        let database = try StorageDatabase.open(path: databasePath)
        let redis = Self.redisClient(server)
        let service = RequestConsumer(
            database: database, redis: redis, keys: keys, executor: RequestExecutor(limits: limits, logger: Self.logger),
            settings: .init(consumer: consumer, pollInterval: .milliseconds(100)), logger: Self.logger)
        storageTask = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await redis.run() }
                group.addTask { try? await service.run() }
                await group.waitForAll()
            }
        }
    }

    /// Kills the consumer, as `kill -9` would: whatever it had read stays pending.
    func stopStorage() async {
        storageTask?.cancel()
        await storageTask?.value
        storageTask = nil
    }

    func stop() async {
        await stopStorage()
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs `body` with a started stack (storage itself only if `storage`).
    static func with(
        timeout: Duration = .seconds(5), storage: Bool = true, test: String = #function,
        _ body: (StorageStack) async throws -> Void
    ) async throws {
        try await RedisServerFixture.with { server in
            let stack = StorageStack(server: server, timeout: timeout, test: test)
            do {
                try await stack.start()
                if storage { try stack.startStorage() }
                try await body(stack)
            } catch {
                await stack.stop()
                throw error
            }
            await stack.stop()
        }
    }
}
