import Foundation
import NIOCore
import Redis
import Testing
import TestSupport

@Suite("Redis client against a real redis-server", .serialized)
struct RedisClientIntegrationTests {
    @Test func commandsRepliesAndErrors() async throws {
        try await RedisServerFixture.with { server in
            try await withClient(server) { client in
                let key = uniquePrefix() + "k"
                #expect(try await client.send("SET", key, "v1") == .simpleString("OK"))
                #expect(try await client.send("GET", key).string == "v1")
                #expect(try await client.send("GET", key + ":missing") == .null)
                #expect(try await client.send("INCR", key + ":n").int == 1)
                let binary: [UInt8] = [0, 1, 2, 0xFF, 13, 10]
                _ = try await client.send(["SET", key + ":b", binary])
                #expect(try await client.send("GET", key + ":b").bytes == binary)
                await #expect(throws: RedisError.self) { try await client.send("LPUSH", key, "x") }
                do {
                    _ = try await client.send("LPUSH", key, "x")
                } catch let error as RedisError {
                    #expect(error.serverCode == "WRONGTYPE")
                }
            }
        }
    }

    @Test func pipelineKeepsOrder() async throws {
        try await RedisServerFixture.with { server in
            try await withClient(server) { client in
                let key = uniquePrefix() + "counter"
                let replies = try await client.pipeline((0..<10_000).map { _ in ["INCR", key] })
                #expect(replies.map { $0.int } == (1...10_000).map { Int64($0) })
                // Concurrent callers on the shared connection each get their own reply.
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in 0..<200 {
                        group.addTask {
                            let own = key + ":\(index)"
                            _ = try await client.send("SET", own, String(index))
                            #expect(try await client.send("GET", own).string == String(index))
                        }
                    }
                    try await group.waitForAll()
                }
            }
        }
    }

    @Test func transactionsReturnTheQueuedResults() async throws {
        try await RedisServerFixture.with { server in
            try await withClient(server) { client in
                let key = uniquePrefix() + "t"
                let results = try await client.transaction([["SET", key, "1"], ["INCR", key], ["GET", key]])
                #expect(results.count == 3)
                #expect(results[2].string == "2")
                await #expect(throws: RedisError.self) { try await client.transaction([["NOSUCHCOMMAND"]]) }
            }
        }
    }

    @Test func publishSubscribe() async throws {
        try await RedisServerFixture.with { server in
            try await withClient(server) { client in
                let channel = uniquePrefix() + "hints"
                let messages = client.subscribe(to: [channel])
                let received = Task { () -> RedisMessage? in
                    for try await message in messages { return message }
                    return nil
                }
                try await waitUntil("subscriber registered") {
                    try await client.send("PUBSUB", "NUMSUB", channel).array?[1].int == 1
                }
                _ = try await client.send("PUBLISH", channel, "roster changed")
                #expect(try await received.value == RedisMessage(channel: channel, payload: "roster changed"))
            }
        }
    }

    @Test func blockingCommandsUseTheirOwnConnection() async throws {
        try await RedisServerFixture.with { server in
            try await withClient(server) { client in
                let list = uniquePrefix() + "replies"
                let popped = Task {
                    try await client.withDedicatedConnection { connection in
                        try await connection.blpop([list], timeout: .seconds(5))
                    }
                }
                // The shared connection keeps working while BLPOP waits.
                for _ in 0..<20 { #expect(try await client.send("PING") == .simpleString("PONG")) }
                _ = try await client.send("RPUSH", list, "answer")
                let value = try await popped.value
                #expect(value?.value == "answer")
                let none = try await client.withDedicatedConnection { try await $0.blpop([list], timeout: .milliseconds(100)) }
                #expect(none == nil)
            }
        }
    }

    @Test func streamsConsumerGroupsAndTakeover() async throws {
        try await RedisServerFixture.with { server in
            try await withClient(server) { client in
                let stream = uniquePrefix() + "route:{0}"
                try await client.xgroupCreate(stream, group: "routers")
                try await client.xgroupCreate(stream, group: "routers")   // BUSYGROUP is fine
                let first = try await client.xadd(stream, maxLength: 1000, fields: [("from", "a@x"), ("xml", "<message/>")])
                try await client.xadd(stream, fields: [("from", "b@x"), ("xml", "<presence/>")])
                let batches = try await client.withDedicatedConnection { connection in
                    try await connection.xreadgroup(group: "routers", consumer: "r1", streams: [(stream, ">")], count: 10, block: .seconds(1))
                }
                #expect(batches.first?.entries.map(\.id).first == first)
                #expect(batches.first?.entries.last?["xml"] == "<presence/>")
                #expect(try await client.xack(stream, group: "routers", ids: [first]) == 1)
                // r1 "dies" holding the second entry; r2 takes it over.
                let claimed = try await client.xautoclaim(stream, group: "routers", consumer: "r2", minIdle: .zero)
                #expect(claimed.entries.map { $0["from"] } == ["b@x"])
                let pending = try await client.xreadgroup(group: "routers", consumer: "r2", streams: [(stream, "0")], count: 10)
                #expect(pending.first?.entries.count == 1)
                // A blocking read with nothing new times out empty.
                let empty = try await client.withDedicatedConnection { connection in
                    try await connection.xreadgroup(group: "routers", consumer: "r2", streams: [(stream, ">")], count: 10, block: .milliseconds(100))
                }
                #expect(empty.isEmpty)
            }
        }
    }

    @Test func scriptsLoadOnNOSCRIPT() async throws {
        try await RedisServerFixture.with { server in
            try await withClient(server) { client in
                let script = RedisScript("return redis.call('INCRBY', KEYS[1], ARGV[1])")
                #expect(try await client.send("SCRIPT", "LOAD", script.source).string == script.sha1)
                let key = uniquePrefix() + "s"
                _ = try await client.send("SCRIPT", "FLUSH")
                #expect(try await client.evaluate(script, keys: [key], arguments: [5]).int == 5)
                #expect(try await client.evaluate(script, keys: [key], arguments: [2]).int == 7)
            }
        }
    }

    @Test func pipelinedScriptsAreLoadedOnlyWhenRedisDoesNotKnowThem() async throws {
        try await RedisServerFixture.with { server in
            try await withClient(server) { client in
                let script = RedisScript("return redis.call('INCRBY', KEYS[1], ARGV[1])")
                let key = uniquePrefix() + "p"
                _ = try await client.send("SCRIPT", "FLUSH")
                let commands: [[any RESPArgument]] = [
                    ["EVALSHA", script.sha1, 1, key, 5], ["GET", key], ["EVALSHA", script.sha1, 1, key, 2],
                ]
                // Unknown: both calls are retried after the load, in order; the GET ran between.
                let first = try await client.pipeline(commands, loading: [script])
                #expect(first.map(\.int) == [5, nil, 7])
                #expect(first[1].isNull)
                // Known now: one round trip, no reload.
                let second = try await client.pipeline(commands, loading: [script])
                #expect(second.map(\.int) == [12, 12, 14])
                #expect(second[1].string == "12")
            }
        }
    }

    @Test func authenticationWithPasswordAndACLUser() async throws {
        try await RedisServerFixture.with(password: "s3cret", arguments: ["--user", "trellis", "on", ">userpass", "~*", "&*", "+@all"]) { server in
            try await withClient(server) { client in
                let reply = try await client.send("PING")
                #expect(reply == .simpleString("PONG"))
            }
            try await withClient(server, username: "trellis", password: "userpass") { client in
                let reply = try await client.send("ACL", "WHOAMI")
                #expect(reply.string == "trellis")
            }
            let wrong = RedisConfiguration(host: server.host, port: server.port, password: "wrong")
            await #expect {
                _ = try await RedisConnection.connect(wrong)
            } throws: { error in
                guard case RedisError.handshakeFailed(let message) = error else { return false }
                return message.hasPrefix("WRONGPASS")
            }
        }
    }

    @Test func selectsTheDatabase() async throws {
        try await RedisServerFixture.with { server in
            let key = uniquePrefix() + "db"
            try await withClient(server, database: 3) { client in
                _ = try await client.send("SET", key, "in-3")
            }
            try await withClient(server) { client in
                #expect(try await client.send("GET", key) == .null)
                _ = try await client.send("SELECT", 3)
                #expect(try await client.send("GET", key).string == "in-3")
            }
        }
    }

    @Test func slowReplyTimesOutAndTheClientRecovers() async throws {
        try await RedisServerFixture.with { server in
            try await withClient(server, commandTimeout: .milliseconds(300)) { client in
                await #expect(throws: RedisError.timeout) { try await client.send("DEBUG", "SLEEP", "1") }
                try await waitUntil("reconnected after timeout") {
                    (try? await client.send("PING")) == .simpleString("PONG")
                }
            }
        }
    }
}
