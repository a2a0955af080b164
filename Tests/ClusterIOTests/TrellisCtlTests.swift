import Cluster
import ClusterIO
import Foundation
import Testing
import TestSupport

/// Runs the built `trellisctl` against a real redis-server and the storage consumer.
@Suite("trellisctl, the built binary", .serialized)
struct TrellisCtlTests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func executable() throws -> URL {
        var candidates: [URL] = []
        if let bundleDirectory = Bundle.main.executableURL?.deletingLastPathComponent() {
            candidates.append(bundleDirectory.appendingPathComponent("trellisctl"))
        }
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(repository.appendingPathComponent(".build/debug/trellisctl"))
        let found = candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
        return try #require(found, "build trellisctl first (swift build --build-tests)")
    }

    static func run(_ arguments: [String], stack: StorageStack, stdin: String? = nil) async throws -> Run {
        let process = Process()
        process.executableURL = try executable()
        process.arguments = arguments
        process.environment = [
            "TRELLIS_REDIS_HOST": stack.server.host, "TRELLIS_REDIS_PORT": String(stack.server.port),
            "TRELLIS_REDIS_PREFIX": stack.keys.prefix, "TRELLIS_STORAGE_REQUEST_TIMEOUT_MS": "3000",
        ]
        let output = Pipe(), errors = Pipe(), input = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let deadline = ContinuousClock.now + .seconds(20)
        while process.isRunning {
            if ContinuousClock.now > deadline {
                process.terminate()
                Issue.record("trellisctl \(arguments) did not exit")
                break
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus,
            stdout: String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self),
            stderr: String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }

    @Test func usersRostersAndVCardsThroughStorage() async throws {
        try await StorageStack.with { stack in
            let add = ["user", "add", "alice@localhost", "--password", "trellis-demo", "--if-missing"]
            var result = try await Self.run(add, stack: stack)
            #expect(result.status == 0 && result.stdout == "created alice@localhost\n", "\(result.stderr)")
            result = try await Self.run(add, stack: stack)
            #expect(result.status == 0 && result.stdout.contains("unchanged"))
            result = try await Self.run(["user", "add", "alice@localhost", "--password", "x"], stack: stack)
            #expect(result.status == 1 && result.stderr.contains("conflict"))
            result = try await Self.run(["user", "add", "Bob@LOCALHOST", "--password-stdin"], stack: stack, stdin: "s3cret\n")
            #expect(result.status == 0 && result.stdout == "created bob@localhost\n")
            result = try await Self.run(["user", "passwd", "bob@localhost"], stack: stack, stdin: "other\n")
            #expect(result.status == 0)
            result = try await Self.run(["user", "list"], stack: stack)
            #expect(result.stdout == "alice@localhost\nbob@localhost\n")

            // The password never crossed Redis: the stored keys check against it.
            let credentials = try await stack.client.credentials(user: "alice@localhost", mechanism: .sha256)
            let stored = try #require(credentials)
            #expect(stored.iterations == 4096)
            #expect(try SCRAMCredentialsCheck.matches(stored, password: "trellis-demo"))

            let file = stack.directory.appendingPathComponent("vcard.xml")
            try FileManager.default.createDirectory(at: stack.directory, withIntermediateDirectories: true)
            try "<vCard xmlns='vcard-temp'><FN>Alice</FN></vCard>".write(to: file, atomically: true, encoding: .utf8)
            result = try await Self.run(["vcard", "import", "alice@localhost", file.path], stack: stack)
            #expect(result.status == 0, "\(result.stderr)")
            result = try await Self.run(["vcard", "export", "alice@localhost"], stack: stack)
            #expect(result.stdout == "<vCard xmlns='vcard-temp'><FN>Alice</FN></vCard>\n")
            result = try await Self.run(["vcard", "export", "bob@localhost"], stack: stack)
            #expect(result.status == 1)

            result = try await Self.run(["roster", "show", "alice@localhost"], stack: stack)
            #expect(result.status == 0 && result.stdout == "version 0\n")
            result = try await Self.run(["user", "remove", "bob@localhost"], stack: stack)
            #expect(result.status == 0)
            result = try await Self.run(["user", "remove", "bob@localhost"], stack: stack)
            #expect(result.status == 1 && result.stderr.contains("item-not-found"))
        }
    }

    @Test func clusterStateReads() async throws {
        try await StorageStack.with(storage: false) { stack in
            let keys = stack.keys
            _ = try await stack.redis.send("SADD", keys.nodes, "c2s-1", "router-gone")
            _ = try await stack.redis.send("HSET", keys.node(NodeID("c2s-1")!), "id", "c2s-1", "role", "c2s", "started_at", "0", "address", "127.0.0.3:5222")
            _ = try await stack.redis.send("SADD", keys.nodeSessions(NodeID("c2s-1")!), "alice@localhost/phone")
            _ = try await stack.redis.send("HSET", keys.sessions(bare: "alice@localhost"), "phone", "{\"node\":\"c2s-1\"}")
            // Two routers agree on their settings; a third runs another partition count.
            for (id, settings) in [("router-1", "domains=localhost;router.partitions=32"), ("router-2", "domains=localhost;router.partitions=32"), ("router-3", "domains=localhost;router.partitions=16")] {
                _ = try await stack.redis.send("SADD", keys.nodes, id)
                _ = try await stack.redis.send(
                    "HSET", keys.node(NodeID(id)!), "id", id, "role", "router", "started_at", "0", "settings", settings,
                    "settings_hash", settings.hasSuffix("32") ? "aaaa" : "bbbb")
            }
            var result = try await Self.run(["nodes", "list"], stack: stack)
            #expect(result.status == 0)
            #expect(result.stdout == """
                c2s-1\tc2s\t127.0.0.3:5222\t-\t-\t1970-01-01T00:00:00Z\t-
                router-1\trouter\t-\t-\t-\t1970-01-01T00:00:00Z\taaaa
                router-2\trouter\t-\t-\t-\t1970-01-01T00:00:00Z\taaaa
                router-3\trouter\t-\t-\t-\t1970-01-01T00:00:00Z\tbbbb\tdrift:router.partitions
                router-gone\texpired

                """)
            result = try await Self.run(["sessions", "list"], stack: stack)
            #expect(result.stdout == "alice@localhost/phone\tc2s-1\t{\"node\":\"c2s-1\"}\n")
        }
    }

    @Test func exitCodesForUsageAndUnavailability() async throws {
        try await StorageStack.with(storage: false) { stack in
            var result = try await Self.run(["user", "add", "not-a-user"], stack: stack)
            #expect(result.status == 2)
            result = try await Self.run(["user", "frobnicate"], stack: stack)
            #expect(result.status == 2)
            result = try await Self.run(["user", "add", "a@localhost", "--password", "x", "--password-stdin"], stack: stack)
            #expect(result.status == 2)
            result = try await Self.run(["--help"], stack: stack)
            #expect(result.status == 0 && result.stdout.contains("USAGE: trellisctl"))
            // Storage is not running: the request times out.
            result = try await Self.run(["user", "list", "--timeout-ms", "300"], stack: stack)
            #expect(result.status == 69 && result.stderr.contains("did not answer"))
            // Redis is not there at all.
            result = try await Self.run(["user", "list", "--redis-port", String(FreePort.find())], stack: stack)
            #expect(result.status == 69)
            result = try await Self.run(["nodes", "list", "--redis-port", String(FreePort.find())], stack: stack)
            #expect(result.status == 69)
        }
    }
}
