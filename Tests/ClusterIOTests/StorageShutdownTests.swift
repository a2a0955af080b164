import Cluster
import ClusterIO
import Foundation
import ServiceLifecycleTestKit
@testable import Storage
import Testing
import TestSupport

@Suite("Storage consumer lifecycle", .serialized)
struct StorageShutdownTests {
    // A consumer that ignored the shutdown would run on: the time limit fails it.
    @Test(.timeLimit(.minutes(1))) func aGracefulShutdownStopsTheConsumerAfterItsBatch() async throws {
        try await StorageStack.with(storage: false) { stack in
            let database = try StorageDatabase.open(path: stack.databasePath)
            let consumer = RequestConsumer(
                database: database, redis: stack.redis, keys: stack.keys, executor: RequestExecutor(),
                settings: .init(consumer: "storage-1", pollInterval: .milliseconds(200)), logger: StorageStack.logger)
            try await testGracefulShutdown { trigger in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await consumer.run() }
                    #expect(try await stack.client.listAccounts() == [])
                    trigger.triggerGracefulShutdown()
                    try await group.next()
                }
            }
            // Nothing was left pending.
            let pending = try await stack.redis.send("XPENDING", stack.keys.storageRequests, ClusterKeys.storageGroup)
            #expect(pending.array?.first?.int == 0)
        }
    }
}
