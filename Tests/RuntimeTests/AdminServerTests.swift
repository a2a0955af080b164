import Logging
import NIOCore
import Prometheus
import Runtime
import ServiceLifecycle
import ServiceLifecycleTestKit
import Testing

@Suite("Admin HTTP server")
struct AdminServerTests {
    /// Runs an AdminServer on an ephemeral loopback port, hands its port to
    /// `body`, then triggers a graceful shutdown and checks `run()` returned.
    func withLiveServer(
        readiness: Readiness = Readiness(), registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        _ body: @Sendable (Int) async throws -> Void
    ) async throws {
        let server = AdminServer(
            host: "127.0.0.1", port: 0, readiness: readiness, registry: registry,
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.run() }
                let port = try #require(try await server.boundAddress.port)
                #expect(port != 0)
                try await body(port)
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
    }

    @Test func healthIsAlwaysOK() async throws {
        try await withLiveServer { port in
            let response = try await HTTPTestClient.request("/health", port: port)
            #expect(response.status == 200)
            #expect(response.body == "ok\n")
            #expect(response.head.lowercased().contains("connection: close"))
        }
    }

    @Test func readyFlipsWithItsChecks() async throws {
        let readiness = Readiness()
        readiness.register("redis connected")
        readiness.register("partitions leased", passing: true)
        try await withLiveServer(readiness: readiness) { port in
            var response = try await HTTPTestClient.request("/ready", port: port)
            #expect(response.status == 503)
            #expect(response.body == "not ready\nfailing: redis connected\n")

            readiness.set("redis connected", passing: true)
            response = try await HTTPTestClient.request("/ready", port: port)
            #expect(response.status == 200)
            #expect(response.body == "ready\n")

            readiness.set("partitions leased", passing: false)
            response = try await HTTPTestClient.request("/ready", port: port)
            #expect(response.status == 503)
            #expect(response.body.contains("failing: partitions leased"))
        }
    }

    @Test func metricsServesThePrometheusTextFormat() async throws {
        let registry = PrometheusCollectorRegistry()
        let counter = registry.makeCounter(
            descriptor: MetricNameDescriptor(
                namespace: "trellis", metricName: "test_requests", unitName: "total", helpText: "Requests in the test."),
            labels: [("kind", "admin")])
        counter.increment()
        counter.increment()
        try await withLiveServer(registry: registry) { port in
            let response = try await HTTPTestClient.request("/metrics", port: port)
            #expect(response.status == 200)
            #expect(response.head.contains("text/plain; version=0.0.4"))
            #expect(response.body.contains("# TYPE trellis_test_requests_total counter"))
            #expect(response.body.contains(#"trellis_test_requests_total{kind="admin"} 2"#))
        }
    }

    @Test func unknownPathIs404AndOtherMethodsAre405() async throws {
        try await withLiveServer { port in
            #expect(try await HTTPTestClient.request("/nope", port: port).status == 404)
            #expect(try await HTTPTestClient.request("/", port: port).status == 404)
            let post = try await HTTPTestClient.request("/health", method: "POST", port: port)
            #expect(post.status == 405)
            #expect(post.head.lowercased().contains("allow: get"))
            #expect(try await HTTPTestClient.request("/metrics", method: "DELETE", port: port).status == 405)
            #expect(try await HTTPTestClient.request("/ready", method: "HEAD", port: port).status == 405)
            #expect(try await HTTPTestClient.request("/health?verbose=1", port: port).status == 200)
        }
    }

    @Test func gracefulShutdownClosesTheListener() async throws {
        let box = PortBox()
        try await withLiveServer { (port: Int) async throws in
            let response = try await HTTPTestClient.request("/health", port: port)
            #expect(response.status == 200)
            box.port = port
        }
        // run() has returned (withLiveServer waited for it): nothing listens any more.
        await #expect(throws: (any Error).self) {
            _ = try await HTTPTestClient.request("/health", port: box.port)
        }
    }

    @Test func metricNamesAreSanitizedForPrometheus() {
        #expect(MetricsBootstrap.sanitize("xmpp.stanzas-in") == "xmpp_stanzas_in")
    }
}

final class PortBox: @unchecked Sendable {
    var port = 0
}
