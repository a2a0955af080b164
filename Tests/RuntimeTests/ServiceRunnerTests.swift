import Logging
import NIOCore
import NIOPosix
import Prometheus
import Runtime
import ServiceLifecycle
import ServiceLifecycleTestKit
import Synchronization
import Testing
import TestSupport

/// `TrellisProcess.runServices` in-process, driven by ServiceLifecycleTestKit
/// instead of signals.
@Suite("Service runner")
struct ServiceRunnerTests {
    /// A context on an ephemeral admin port whose log lines land in `lines`.
    static func context(grace: Int, lines: LineRecorder, redisPort: Int = 1) -> TrellisContext {
        var configuration = TrellisConfiguration(role: .router)
        configuration.common.admin.port = 0
        configuration.common.redis.port = redisPort
        configuration.common.nodeID = "router-runner"
        configuration.common.shutdownGraceSeconds = grace
        let handler = StructuredLogHandler(label: "trellis.router", format: .logfmt, level: .info) { line in
            lines.append(line)
        }
        var logger = Logger(label: "trellis.router") { _ in handler }
        logger[metadataKey: "node.id"] = "router-runner"
        logger[metadataKey: "role"] = "router"
        return TrellisContext(
            configuration: configuration, logger: logger, readiness: Readiness(),
            metrics: PrometheusCollectorRegistry())
    }

    /// The admin port from the `started` log line, once it appears.
    static func adminPort(in lines: LineRecorder) async throws -> Int {
        for _ in 0..<200 {
            let started = lines.all.first { $0.contains("msg=started") }
            if let started, let match = started.firstMatch(of: /admin.address=127\.0\.0\.1:(\d+)/) {
                return Int(match.1)!
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw CancellationError()
    }

    /// Returns only when cancelled, ignoring graceful shutdown.
    struct StubbornService: Service {
        func run() async throws {
            while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(20)) }
        }
    }

    /// Marks itself ready, then waits for graceful shutdown.
    struct PoliteService: Service {
        let readiness: Readiness
        func run() async throws {
            readiness.set("polite ready", passing: true)
            try await gracefulShutdown()
        }
    }

    @Test func servesAdminEndpointsAndStopsCleanly() async throws {
      try await RedisServerFixture.with { redis in
        let lines = LineRecorder()
        let context = Self.context(grace: 5, lines: lines, redisPort: redis.port)
        context.readiness.register("polite ready")
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await TrellisProcess.runServices(context: context) { context in
                        [PoliteService(readiness: context.readiness)]
                    }
                }
                let port = try await Self.adminPort(in: lines)
                #expect(try await HTTPTestClient.request("/health", port: port).status == 200)
                var ready = try await HTTPTestClient.request("/ready", port: port)
                for _ in 0..<100 where ready.status != 200 {
                    try await Task.sleep(for: .milliseconds(10))
                    ready = try await HTTPTestClient.request("/ready", port: port)
                }
                #expect(ready.status == 200)
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        let log = lines.all.joined()
        #expect(log.contains("node.id=router-runner role=router msg=started admin.address=127.0.0.1:"))
        #expect(log.contains("msg=\"admin server stopped\""))
        #expect(log.contains("msg=\"node deregistered\""))
      }
    }

    // The stubborn service never stops: without the grace period enforced
    // this would hang, which the time limit turns into a failure.
    @Test(.timeLimit(.minutes(1))) func overrunningTheGracePeriodIsAnError() async throws {
        let lines = LineRecorder()
        let context = Self.context(grace: 1, lines: lines)
        await testGracefulShutdown { trigger in
            await withTaskGroup(of: (any Error)?.self) { group in
                group.addTask {
                    do {
                        try await TrellisProcess.runServices(context: context) { _ in [StubbornService()] }
                        return nil
                    } catch {
                        return error
                    }
                }
                _ = try? await Self.adminPort(in: lines)
                trigger.triggerGracefulShutdown()
                let error = await group.next() ?? nil
                #expect(error is TrellisProcessError, "\(String(describing: error))")
            }
        }
    }

    @Test func adminServerFailsWhenThePortIsTaken() async throws {
        let taken = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = taken.localAddress!.port!
        let server = AdminServer(
            host: "127.0.0.1", port: port, readiness: Readiness(), registry: PrometheusCollectorRegistry(),
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        await #expect(throws: (any Error).self) { try await server.run() }
        await #expect(throws: (any Error).self) { _ = try await server.boundAddress }
        try await taken.close()
    }
}

final class LineRecorder: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}
