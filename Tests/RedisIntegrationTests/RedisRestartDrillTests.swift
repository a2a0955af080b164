import Foundation
import Redis
import Testing
import TestSupport

@Suite("Redis restart drill", .serialized)
struct RedisRestartDrillTests {
    // A client that queued commands until Redis returns would hang here: the
    // time limit turns that into a failure.
    @Test(.timeLimit(.minutes(1))) func failsFastWhileDownAndRecoversByItself() async throws {
        try await RedisServerFixture.with { server in
            try await withClient(server) { client in
                let states = client.connectionStates()
                let seen = Task { () -> [RedisConnectionState] in
                    var seen: [RedisConnectionState] = []
                    for await state in states {
                        seen.append(state)
                        if seen.count == 2 { break }
                    }
                    return seen
                }
                let key = uniquePrefix() + "k"
                _ = try await client.send("SET", key, "before")

                server.kill()
                try await waitUntil("client noticed") { !client.isConnected }
                // While Redis is away, callers get a clear error at once, never a hang.
                await #expect(throws: RedisError.disconnected) { try await client.send("GET", key) }
                await #expect(throws: RedisError.disconnected) {
                    try await client.withDedicatedConnection { _ in () }
                }

                try await server.start()
                try await waitUntil("client reconnected") { client.isConnected }
                _ = try await client.send("SET", key, "after")
                #expect(try await client.send("GET", key).string == "after")
                #expect(try await seen.value == [.disconnected, .connected])
            }
        }
    }
}
