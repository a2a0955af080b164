import Cluster
import Foundation
import Logging
import Redis
import Testing
import TestSupport
import XMPPCore
@testable import Gateway

/// Issue #16: a Redis that is full (`noeviction`) refuses writes; a stanza it
/// refused is reported as not taken, never as accepted.
@Suite("A full Redis", .serialized)
struct RedisFullTests {
    @Test func aRefusedStanzaIsNotTakenAndSaysWhy() async throws {
        try await RedisServerFixture.with(arguments: ["--maxmemory-policy", "noeviction"]) { server in
            let redis = RedisClient(
                configuration: RedisConfiguration(
                    host: server.host, port: server.port,
                    backoff: RedisBackoff(initial: .milliseconds(50), maximum: .milliseconds(300))),
                logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
            let keys = ClusterKeys(prefix: "test:")
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await redis.run() }
                defer { group.cancelAll() }
                for _ in 0..<200 where !redis.isConnected { try await Task.sleep(for: .milliseconds(10)) }
                // Redis is over its limit: a byte of data is more than it may hold.
                _ = try await redis.send(["SET", "filler", "x"])
                _ = try await redis.send(["CONFIG", "SET", "maxmemory", "1"])
                let routes = RouteQueue(redis: redis, keys: keys, partitions: 4, node: NodeID("c2s-1")!)
                let sender = try JID("alice@example.com/r")
                let message = XMLElement("message", namespace: XMPPNamespace.client, attributes: ["to": "bob@example.com"])
                let outcomes = await routes.submit([RouteQueue.Submission(stanza: message, sender: sender)])
                guard case .failure(let error) = outcomes.first else {
                    Issue.record("a full Redis took the stanza")
                    return
                }
                #expect("\(error)".contains("OOM"))
                #expect(try await redis.send(["XLEN", routes.stream(for: sender)]).int == 0)
            }
        }
    }
}
