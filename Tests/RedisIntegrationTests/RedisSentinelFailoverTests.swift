import Foundation
import Logging
import Redis
import Synchronization
import Testing
import TestSupport

/// Against real `redis-server` processes: a master, a replica and three
/// sentinels (`RedisSentinelFixture`); the master is killed and the client must
/// find the promoted replica by itself.
@Suite("Redis Sentinel failover", .serialized)
struct RedisSentinelFailoverTests {
    static func configuration(_ topology: RedisSentinelFixture, deadSentinelFirst: Bool = false) -> RedisConfiguration {
        var sentinels = topology.sentinelPorts.map { RedisServerAddress(host: "127.0.0.1", port: $0) }
        // A sentinel nobody listens on: the client must move on to the next.
        if deadSentinelFirst { sentinels.insert(RedisServerAddress(host: "127.0.0.1", port: FreePort.find()), at: 0) }
        return RedisConfiguration(
            connectTimeout: .milliseconds(500), commandTimeout: .seconds(2),
            backoff: RedisBackoff(initial: .milliseconds(50), maximum: .milliseconds(300)),
            sentinel: RedisSentinelConfiguration(sentinels: sentinels, masterName: RedisSentinelFixture.masterName))
    }

    /// Connection states as they come, collected by a task of their own.
    final class StateLog: Sendable {
        private let seen = Mutex<[RedisConnectionState]>([])
        var states: [RedisConnectionState] { seen.withLock { $0 } }
        func append(_ state: RedisConnectionState) { seen.withLock { $0.append(state) } }
    }

    static func record(_ stream: AsyncStream<RedisConnectionState>) -> (log: StateLog, task: Task<Void, Never>) {
        let log = StateLog()
        let task = Task { for await state in stream { log.append(state) } }
        return (log, task)
    }

    /// The port of the server a connection talks to.
    static func serverPort(_ client: RedisClient) async throws -> Int? {
        let reply = try await client.send("CONFIG", "GET", "port")
        return reply.array?.last?.string.flatMap { Int($0) }
    }

    @Test func findsTheMasterAndFollowsAFailover() async throws {
        try await RedisSentinelFixture.with { topology in
            try await withClient(Self.configuration(topology, deadSentinelFirst: true)) { client in
                #expect(try await Self.serverPort(client) == topology.master.port)
                let key = uniquePrefix() + "k"
                _ = try await client.send("SET", key, "before")
                // Acknowledged by the replica too, so the failover cannot lose it.
                #expect(try await client.send("WAIT", 1, 2000).int == 1)
                let generation = client.connectionGeneration
                let seen = Self.record(client.connectionStates())
                defer { seen.task.cancel() }

                topology.master.kill()
                try await waitUntil("connected to the promoted replica", timeout: .seconds(30)) {
                    client.isConnected && client.connectionGeneration > generation
                }
                // A failover looks to services like a Redis restart: down, then up.
                #expect(seen.log.states == [.disconnected, .connected])
                #expect(client.connectionGeneration == generation + 1)
                #expect(try await Self.serverPort(client) == topology.replica.port)
                // The other sentinels learn of the promotion by gossip, a
                // moment after the one that led the failover.
                try await waitUntil("another sentinel names the promoted replica", timeout: .seconds(30)) {
                    topology.masterPort(askingSentinel: 1) == topology.replica.port
                }
                #expect(try await client.send("GET", key).string == "before")
                _ = try await client.send("SET", key, "after")
                // Dedicated connections find the new master too.
                let dedicated = try await client.withDedicatedConnection { connection in
                    try await connection.send("GET", key).string
                }
                #expect(dedicated == "after")
            }
        }
    }

    @Test func aWriteToAReplicaDropsTheConnection() async throws {
        try await RedisSentinelFixture.with { topology in
            // A client pointed at the replica directly stands for one whose
            // master was demoted under it.
            try await withClient(topology.replica) { client in
                let generation = client.connectionGeneration
                let seen = Self.record(client.connectionStates())
                defer { seen.task.cancel() }
                await #expect(throws: RedisError.server("READONLY You can't write against a read only replica.")) {
                    try await client.send("SET", uniquePrefix() + "k", "v")
                }
                // Dropped, then connected again (here to the same replica: no sentinels).
                try await waitUntil("reconnected") { client.connectionGeneration > generation }
                #expect(seen.log.states.first == .disconnected)
            }
        }
    }

    @Test func aMasterNameNoSentinelKnowsIsNotFound() async throws {
        try await RedisSentinelFixture.with { topology in
            var configuration = Self.configuration(topology)
            configuration.sentinel?.masterName = "nobody"
            do {
                _ = try await RedisConnection.connect(configuration)
                Issue.record("connected without a master")
            } catch RedisError.masterNotFound(let text) {
                #expect(text.contains("does not know nobody"))
            }
        }
    }

    @Test func aSentinelNamingAReplicaIsRefused() async throws {
        try await RedisSentinelFixture.with { topology in
            // One sentinel told to watch the replica under another name answers
            // with the replica's address, as a sentinel that has not noticed a
            // failover yet would: `ROLE` says so and the connection is refused.
            let monitor = "SENTINEL MONITOR stale \(topology.replica.host) \(topology.replica.port) 2\r\n"
            #expect(RawSocket.exchange(host: "127.0.0.1", port: topology.sentinelPorts[0], send: monitor) == "+OK\r\n")
            var configuration = Self.configuration(topology)
            configuration.sentinel = RedisSentinelConfiguration(
                sentinels: [RedisServerAddress(host: "127.0.0.1", port: topology.sentinelPorts[0])], masterName: "stale")
            do {
                _ = try await RedisConnection.connect(configuration)
                Issue.record("connected to a replica")
            } catch RedisError.notMaster(let address) {
                #expect(address == "127.0.0.1:\(topology.replica.port)")
            }
        }
    }
}
