import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import ServiceLifecycle

/// The health, readiness and metrics HTTP listener every process runs
/// (see docs/operations.md). A `Service`: `run()` binds, serves until a
/// graceful shutdown (or cancellation), then closes the listener and returns.
public final class AdminServer: Service, Sendable {
    public let readiness: Readiness
    public let registry: PrometheusCollectorRegistry
    private let host: String
    private let port: Int
    private let group: any EventLoopGroup
    private let logger: Logger
    private let bound: EventLoopPromise<SocketAddress>
    private let onListening: @Sendable (SocketAddress) -> Void

    public init(
        host: String, port: Int, readiness: Readiness, registry: PrometheusCollectorRegistry,
        logger: Logger, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        onListening: @escaping @Sendable (SocketAddress) -> Void = { _ in }
    ) {
        self.onListening = onListening
        self.host = host
        self.port = port
        self.readiness = readiness
        self.registry = registry
        self.logger = logger
        self.group = eventLoopGroup
        self.bound = eventLoopGroup.next().makePromise()
    }

    public convenience init(
        configuration: AdminConfiguration, readiness: Readiness, registry: PrometheusCollectorRegistry,
        logger: Logger, onListening: @escaping @Sendable (SocketAddress) -> Void = { _ in }
    ) {
        self.init(
            host: configuration.host, port: configuration.port, readiness: readiness,
            registry: registry, logger: logger, onListening: onListening)
    }

    deinit {
        // A server that never ran must not leak its promise (NIO asserts on that);
        // completing an already completed promise does nothing.
        bound.fail(ChannelError.ioOnClosedChannel)
    }

    /// The address actually bound (the real port when configured with 0).
    /// Waits until `run()` has bound; throws if binding failed.
    public var boundAddress: SocketAddress {
        get async throws { try await bound.futureResult.get() }
    }

    public func run() async throws {
        let readiness = readiness
        let registry = registry
        let channel: any Channel
        do {
            channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 64)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                            withPipeliningAssistance: false, withErrorHandling: true)
                        try channel.pipeline.syncOperations.addHandler(
                            AdminHTTPHandler(readiness: readiness, registry: registry))
                    }
                }
                .bind(host: host, port: port)
                .get()
        } catch {
            logger.error(
                "admin server cannot listen",
                metadata: ["admin.address": "\(host):\(port)", "error": "\(error)"])
            bound.fail(error)
            throw error
        }
        let address = channel.localAddress!
        bound.succeed(address)
        logger.info("admin server listening", metadata: ["admin.address": "\(Self.describe(address))"])
        onListening(address)

        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await channel.closeFuture.get()
            } onGracefulShutdown: {
                channel.close(promise: nil)
            }
        } onCancel: {
            channel.close(promise: nil)
        }
        logger.info("admin server stopped")
    }

    /// `host:port`, without NIO's `[IPv4]` decoration.
    public static func describe(_ address: SocketAddress) -> String {
        let host = address.ipAddress ?? "?"
        let port = address.port.map(String.init) ?? "?"
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
