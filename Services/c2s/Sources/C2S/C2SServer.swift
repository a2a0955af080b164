import Gateway
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle
import XMPPCore
import XMPPStream

/// The c2s listeners: STARTTLS on `c2s.port` (RFC 6120 §5) and direct TLS on
/// `c2s.tls_port` (XEP-0368, only with a certificate). On graceful shutdown it
/// stops accepting and closes every client stream with `<system-shutdown/>`.
public final class C2SServer: Service, Sendable {
    public struct Settings: Sendable {
        public var host: String
        public var port: Int
        public var tlsPort: Int?
        public var idleTimeout: TimeAmount
        /// `TCP_USER_TIMEOUT` of each client socket: written data left
        /// unacknowledged this long drops the connection (a peer gone without
        /// a FIN). `nil` keeps the kernel's default.
        public var sendTimeout: TimeAmount?
        /// Per-connection inbound rate limit; `nil` turns flood control off.
        public var floodControl: FloodControl?
        var connection: C2SConnectionHandler.Settings

        public struct FloodControl: Sendable {
            public var bytesPerSecond: Int
            public var burstBytes: Int
            public var floodSeconds: Int64

            public init(bytesPerSecond: Int, burstBytes: Int, floodSeconds: Int64) {
                self.bytesPerSecond = bytesPerSecond
                self.burstBytes = burstBytes
                self.floodSeconds = floodSeconds
            }
        }

        public init(
            host: String, port: Int, tlsPort: Int?, idleTimeout: TimeAmount, handshakeTimeout: TimeAmount,
            environment: GatewayEnvironment, negotiation: ClientStreamNegotiation.Configuration,
            limits: XMLStreamParser.Limits, tlsContext: NIOSSLContext?, floodControl: FloodControl? = nil,
            sendTimeout: TimeAmount? = nil, closeTimeout: TimeAmount = .seconds(10)
        ) {
            self.floodControl = floodControl
            self.sendTimeout = sendTimeout
            self.host = host
            self.port = port
            self.tlsPort = tlsPort
            self.idleTimeout = idleTimeout
            self.connection = .init(
                environment: environment, negotiation: negotiation, limits: limits, tlsContext: tlsContext,
                handshakeTimeout: handshakeTimeout, closeTimeout: closeTimeout)
        }
    }

    let settings: Settings
    let logger: Logger
    let onListening: @Sendable ([SocketAddress]) -> Void

    public init(settings: Settings, logger: Logger, onListening: @escaping @Sendable ([SocketAddress]) -> Void = { _ in }) {
        self.settings = settings
        self.logger = logger
        self.onListening = onListening
    }

    public func run() async throws {
        var bound: [any Channel] = [try await bind(port: settings.port, directTLS: false)]
        if let tlsPort = settings.tlsPort, settings.connection.tlsContext != nil {
            bound.append(try await bind(port: tlsPort, directTLS: true))
        }
        let channels = bound
        let addresses = channels.compactMap(\.localAddress)
        for address in addresses { logger.info("c2s listening", metadata: ["address": "\(address)"]) }
        onListening(addresses)

        await withGracefulShutdownHandler {
            for channel in channels { try? await channel.closeFuture.get() }
        } onGracefulShutdown: {
            for channel in channels { channel.close(promise: nil) }
        }
        await closeAllSessions()
    }

    /// `TCP_USER_TIMEOUT` (Linux, milliseconds), which NIO has no name for.
    static let sendTimeoutOption = ChannelOptions.Types.SocketOption(
        level: NIOBSDSocket.OptionLevel.tcp, name: NIOBSDSocket.Option(rawValue: 18))

    /// The listener's socket options: the client sockets get `TCP_NODELAY`
    /// and, when set, the send timeout.
    static func withSocketOptions(_ bootstrap: ServerBootstrap, sendTimeout: TimeAmount?) -> ServerBootstrap {
        let bootstrap = bootstrap
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
        guard let sendTimeout else { return bootstrap }
        return bootstrap.childChannelOption(
            sendTimeoutOption, value: SocketOptionValue(sendTimeout.nanoseconds / 1_000_000))
    }

    private func bind(port: Int, directTLS: Bool) async throws -> any Channel {
        let settings = self.settings
        return try await Self.withSocketOptions(
            ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton), sendTimeout: settings.sendTimeout)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if directTLS, let context = settings.connection.tlsContext {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    }
                    if let flood = settings.floodControl {
                        try channel.pipeline.syncOperations.addHandler(
                            InboundRateLimitHandler(bucket: InboundTokenBucket(
                                bytesPerSecond: flood.bytesPerSecond, burst: flood.burstBytes,
                                floodLimit: .seconds(flood.floodSeconds), now: .now)))
                    }
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: settings.idleTimeout))
                    try channel.pipeline.syncOperations.addHandler(
                        C2SConnectionHandler(settings: settings.connection, secured: directTLS))
                }
            }
            .bind(host: settings.host, port: port).get()
    }

    /// RFC 6120 §4.9.3.20: tell every client the server is going away, then give
    /// their sessions a moment to leave the registry.
    private func closeAllSessions() async {
        let sessions = settings.connection.environment.sessions
        let targets = sessions.all
        guard !targets.isEmpty else { return }
        logger.info("closing client streams", metadata: ["sessions": "\(targets.count)"])
        await withTaskGroup(of: Void.self) { group in
            for target in targets { group.addTask { await target.close(with: .systemShutdown) } }
        }
        let deadline = ContinuousClock.now + .seconds(3)
        while sessions.count > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
