import Cluster
import Gateway
import Logging
import Redis
import Synchronization
import Testing
import TestSupport

@Suite("Route backlog monitor")
struct RouteBacklogMonitorTests {
    /// Redis whose first route partition holds `length` entries and the
    /// others none; counts the readings (one pipeline of `XLEN`s each).
    final class PartitionLengths: RedisCommandSender {
        private let state = Mutex((length: 0, readings: 0))

        var readings: Int { state.withLock { $0.readings } }
        func set(length: Int) { state.withLock { $0.length = length } }

        func send(_ arguments: [any RESPArgument]) async throws -> RESPValue {
            .integer(0)
        }

        func pipeline(_ commands: [[any RESPArgument]]) async throws -> [RESPValue] {
            let length = state.withLock { state in
                state.readings += 1
                return state.length
            }
            return commands.indices.map { .integer($0 == 0 ? Int64(length) : 0) }
        }
    }

    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    func monitor(_ redis: PartitionLengths, idleAfter: Duration) -> RouteBacklogMonitor {
        RouteBacklogMonitor(
            redis: redis, keys: ClusterKeys(prefix: "t:"), partitions: 4, high: 10, low: 5, logger: Self.quiet,
            interval: .milliseconds(5), idleAfter: idleAfter)
    }

    @Test(.timeLimit(.minutes(1))) func aGatewayThatRoutesNothingReadsNothingUntilItsFirstStanza() async throws {
        let redis = PartitionLengths()
        let monitor = monitor(redis, idleAfter: .seconds(60))
        let running = Task { try await monitor.run() }
        defer { running.cancel() }
        #expect(!monitor.isRouting)
        // Some loop turns go by (how many depends on the machine; none may read).
        try await Task.sleep(for: .milliseconds(50))
        #expect(redis.readings == 0)
        await monitor.waitForRoom(partition: 0)
        #expect(monitor.isRouting)
        try await waitUntil("a reading") { redis.readings > 0 }
    }

    @Test(.timeLimit(.minutes(1))) func aPartitionBehindKeepsTheReadingsGoingUntilItCatchesUp() async throws {
        let redis = PartitionLengths()
        redis.set(length: 20)
        let monitor = monitor(redis, idleAfter: .milliseconds(1))
        let running = Task { try await monitor.run() }
        defer { running.cancel() }
        // A session on partition 1 keeps routing until a reading finds partition 0 behind.
        try await waitUntil("partition 0 behind") {
            await monitor.waitForRoom(partition: 1)
            return monitor.isBehind(partition: 0)
        }
        // Long past `idleAfter`, the waiting senders still need readings.
        try await Task.sleep(for: .milliseconds(20))
        #expect(monitor.isRouting)
        redis.set(length: 0)
        try await waitUntil("partition 0 caught up") { !monitor.isBehind(partition: 0) }
        try await waitUntil("the monitor idle") { !monitor.isRouting }
    }
}
