import Foundation
import NIOCore
import NIOPosix
import Runtime
import Testing
import TestSupport

/// Launches the real `trellis-router` executable, built beside the test bundle.
@Suite("Process shell", .serialized)
struct ProcessTests {
    static func executable(_ name: String) throws -> URL {
        var candidates: [URL] = []
        if let bundleDirectory = Bundle.main.executableURL?.deletingLastPathComponent() {
            candidates.append(bundleDirectory.appendingPathComponent(name))
        }
        // <repo>/Tests/RuntimeTests/ProcessTests.swift → <repo>/.build/debug/<name>
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(repository.appendingPathComponent(".build/debug/\(name)"))
        let found = candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
        return try #require(found, "build \(name) first (swift build --build-tests); looked in \(candidates.map(\.path))")
    }

    /// A loopback port nothing listens on right now.
    static func freePort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress!.port!
        try await channel.close()
        return port
    }

    /// Starts the process; `body` runs with it; it is SIGKILLed by PID on every path out.
    static func withProcess<T>(
        _ name: String, environment: [String: String], _ body: (Process, Pipe) async throws -> T
    ) async throws -> T {
        let process = Process()
        process.executableURL = try executable(name)
        process.environment = environment
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer {
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
        }
        return try await body(process, stderr)
    }

    static func waitForExit(_ process: Process, within seconds: Double) async throws -> Int32? {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while process.isRunning {
            if ContinuousClock.now > deadline { return nil }
            try await Task.sleep(for: .milliseconds(50))
        }
        return process.terminationStatus
    }

    @Test func routerServesHealthAndExitsZeroOnSIGTERM() async throws {
      try await RedisServerFixture.with { redis in
        let port = try await Self.freePort()
        let env = [
            "TRELLIS_ADMIN_PORT": "\(port)", "TRELLIS_SHUTDOWN_GRACE_SECONDS": "5", "TRELLIS_NODE_ID": "router-test",
            "TRELLIS_REDIS_PORT": "\(redis.port)",
        ]
        try await Self.withProcess("trellis-router", environment: env) { process, stderr in
            var healthy = false
            let deadline = ContinuousClock.now + .seconds(10)
            while !healthy, ContinuousClock.now < deadline, process.isRunning {
                if let response = try? await HTTPTestClient.request("/health", port: port) {
                    healthy = response.status == 200
                } else {
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            #expect(healthy)
            var ready = try await HTTPTestClient.request("/ready", port: port)
            for _ in 0..<100 where ready.status != 200 {
                try await Task.sleep(for: .milliseconds(20))
                ready = try await HTTPTestClient.request("/ready", port: port)
            }
            #expect(ready.status == 200)
            // The node announced itself in Redis.
            #expect(RawSocket.exchange(host: redis.host, port: redis.port, send: "HGET trellis:node:{router-test} role\r\n") == "$6\r\nrouter\r\n")
            #expect(try await HTTPTestClient.request("/metrics", port: port).status == 200)

            kill(process.processIdentifier, SIGTERM)
            let status = try await Self.waitForExit(process, within: 5)
            #expect(status == 0)
            #expect(process.terminationReason == .exit)
            let log = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(log.contains("label=trellis.router node.id=router-test role=router msg=started admin.address=127.0.0.1:\(port)"))
            #expect(log.contains("msg=stopped"))
            // …and left cleanly.
            #expect(RawSocket.exchange(host: redis.host, port: redis.port, send: "EXISTS trellis:node:{router-test}\r\n") == ":0\r\n")
        }
      }
    }

    @Test func badConfigurationExitsWith78AndNamesTheKey() async throws {
        let env = ["TRELLIS_MAX_STANZA_SIZE": "abc", "TRELLIS_ADMIN_PORT": "0"]
        try await Self.withProcess("trellis-router", environment: env) { process, stderr in
            let status = try await Self.waitForExit(process, within: 10)
            #expect(status == 78)
            let text = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(text.contains("trellis-router: configuration error: max_stanza_size (TRELLIS_MAX_STANZA_SIZE): expected an integer between 1024 and 16777216, got \"abc\""))
        }
    }

    @Test func routerRefusesABadRouterKey() async throws {
        let env = ["TRELLIS_ROUTER_PARTITIONS": "0", "TRELLIS_ADMIN_PORT": "0"]
        try await Self.withProcess("trellis-router", environment: env) { process, stderr in
            let status = try await Self.waitForExit(process, within: 10)
            #expect(status == 78)
            let text = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(text.hasPrefix("trellis-router: configuration error: router.partitions (TRELLIS_ROUTER_PARTITIONS)"))
        }
    }

    @Test func inProcessRunReturns78ForABadValue() async {
        let code = await TrellisProcess.run(role: .storage, environment: ["TRELLIS_SCRAM_ITERATIONS": "10"])
        #expect(code == TrellisProcess.configurationErrorExitCode)
    }
}
