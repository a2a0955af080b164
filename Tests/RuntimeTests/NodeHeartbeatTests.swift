import Cluster
import Logging
import Redis
import Runtime
import ServiceLifecycle
import ServiceLifecycleTestKit
import Synchronization
import Testing
import TestSupport

@Suite("Node heartbeat against a real redis-server", .serialized)
struct NodeHeartbeatTests {
    static func heartbeat(_ client: RedisClient, readiness: Readiness, ttl: Duration = .seconds(2)) -> NodeHeartbeat {
        NodeHeartbeat(
            record: NodeRecord(id: NodeID("c2s-7")!, role: .c2s, address: "127.0.3.7:5222", startedAt: 1_700_000_000),
            redis: client, keys: ClusterKeys(prefix: "hb:"), interval: .milliseconds(100), ttl: ttl,
            readiness: readiness, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
    }

    static func poll(_ what: String, _ condition: () async -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if await condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("timed out waiting for \(what)")
    }

    @Test func announcesRefreshesSurvivesARedisRestartAndLeavesCleanly() async throws {
        try await RedisServerFixture.with { server in
            let client = RedisClient(
                configuration: RedisConfiguration(host: server.host, port: server.port, backoff: RedisBackoff(initial: .milliseconds(50), maximum: .milliseconds(200))),
                logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
            let readiness = Readiness()
            let heartbeat = Self.heartbeat(client, readiness: readiness)
            // The client runs outside the graceful-shutdown scope, as it does in a
            // ServiceGroup, where it stops only after the heartbeat deregistered.
            let clientTask = Task { try? await client.run() }
            defer { clientTask.cancel() }
            await testGracefulShutdown { trigger in
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { try? await heartbeat.run() }

                    try? await Self.poll("record written") {
                        (try? await client.send("HGET", "hb:node:{c2s-7}", "address"))?.string == "127.0.3.7:5222"
                    }
                    // Readiness follows the beat that wrote the record (a moment later on a busy machine).
                    try? await Self.poll("ready") { readiness.isReady }
                    #expect(readiness.isReady)
                    let ttl = try? await client.send("PTTL", "hb:node:{c2s-7}").int
                    #expect((ttl ?? 0) > 0 && (ttl ?? 0) <= 2000)
                    #expect(try! await client.send("SISMEMBER", "hb:nodes", "c2s-7").int == 1)

                    // Redis restarts empty: the next beats put the node back.
                    try? await server.restart()
                    try? await Self.poll("record restored after restart") {
                        (try? await client.send("HGET", "hb:node:{c2s-7}", "role"))?.string == "c2s"
                    }
                    #expect(try! await client.send("SISMEMBER", "hb:nodes", "c2s-7").int == 1)

                    // Graceful shutdown of the heartbeat deregisters (the client outlives it).
                    trigger.triggerGracefulShutdown()
                    try? await Self.poll("record removed") {
                        (try? await client.send("EXISTS", "hb:node:{c2s-7}"))?.int == 0
                    }
                    #expect(try! await client.send("SISMEMBER", "hb:nodes", "c2s-7").int == 0)
                    await group.waitForAll()
                }
            }
            clientTask.cancel()
            await clientTask.value
        }
    }

    @Test func aNewConnectionAsksServicesToRegisterAgain() async throws {
        // After a Sentinel failover the node record is usually there (it was
        // replicated) but the last writes before the failover may not be: a new
        // connection alone makes the gateways write back their sessions.
        try await RedisServerFixture.with { server in
            let client = RedisClient(
                configuration: RedisConfiguration(
                    host: server.host, port: server.port, backoff: RedisBackoff(initial: .milliseconds(50), maximum: .milliseconds(200))),
                logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
            let recreations = NodeRecordRecreations()
            let events = recreations.events()
            let heartbeat = NodeHeartbeat(
                record: NodeRecord(id: NodeID("c2s-8")!, role: .c2s, address: "127.0.3.8:5222", startedAt: 1_700_000_000),
                redis: client, keys: ClusterKeys(prefix: "hb:"), interval: .milliseconds(100), ttl: .seconds(5),
                readiness: Readiness(), recreations: recreations,
                logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
            let published = PublishedCount()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await client.run() }
                group.addTask { try await heartbeat.run() }
                group.addTask { for await _ in events { published.add() } }
                try await Self.poll("record written") {
                    (try? await client.send("EXISTS", "hb:node:{c2s-8}"))?.int == 1
                }
                let generation = client.connectionGeneration
                // The server drops every client; the record stays.
                _ = try? await client.send("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "no")
                try await Self.poll("reconnected") { client.isConnected && client.connectionGeneration > generation }
                try await Self.poll("services told to register again") { published.value == 1 }
                #expect(try await client.send("EXISTS", "hb:node:{c2s-8}").int == 1)
                group.cancelAll()
            }
        }
    }

    @Test func aDeadNodesRecordExpires() async throws {
        try await RedisServerFixture.with { server in
            let client = RedisClient(configuration: RedisConfiguration(host: server.host, port: server.port),
                                     logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await client.run() }
                try await Self.poll("connected") { client.isConnected }
                // One beat and no more: the node "died".
                try await Self.heartbeat(client, readiness: Readiness(), ttl: .milliseconds(500)).beat()
                #expect(try await client.send("EXISTS", "hb:node:{c2s-7}").int == 1)
                try await Task.sleep(for: .milliseconds(700))
                #expect(try await client.send("EXISTS", "hb:node:{c2s-7}").int == 0)
                group.cancelAll()
            }
        }
    }

    @Test func readinessFailsWhileRedisIsAway() async throws {
        let client = RedisClient(configuration: RedisConfiguration(host: "127.0.0.1", port: FreePort.find()),
                                 logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        let readiness = Readiness()
        let heartbeat = Self.heartbeat(client, readiness: readiness)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await heartbeat.run() }
            try? await Task.sleep(for: .milliseconds(300))
            #expect(!readiness.isReady)
            #expect(readiness.failing == [NodeHeartbeat.readinessCheck])
            group.cancelAll()
        }
    }
}

/// How many recreation events a test saw.
final class PublishedCount: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    func add() { count.withLock { $0 += 1 } }
}
