import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import ServiceLifecycle
import XMPPCore

/// The BOSH gateway's HTTP/1.1 listener (XEP-0124/0206 behind nginx), which
/// also upgrades requests on `websocket.path` to XMPP over WebSocket (RFC
/// 7395): one pipeline per connection, one handler per rule (`configure(_:)`),
/// the BOSH sessions' timers, and their `bosh:{sid}` keys. On graceful
/// shutdown it stops accepting and ends every session, BOSH or WebSocket,
/// with `system-shutdown`, then gives their XMPP sessions a bounded moment to
/// leave the cluster.
public final class BOSHServer: Service, Sendable {
    public struct Settings: Sendable {
        public var host: String
        public var port: Int
        /// POST paths: `bind` (default `/xmpp`) and `/http-bind`.
        public var paths: Set<String>
        /// `bind`, the path XEP-0156 discovery names.
        public var bind: String
        public var root: String?
        /// The cookie value; `nil` sets no cookie.
        public var vroute: String?
        public var corsOrigins: [String]
        /// Payload limits, as on a c2s stream (`max_stanza_size`).
        public var limits: XMLStreamParser.Limits
        /// Largest request body: four stanzas' worth (clients batch payloads).
        public var maxBodySize: Int
        public var tickInterval: Duration
        public var drainTimeout: Duration

        public init(
            host: String, port: Int, bind: String, root: String?, vroute: String?, corsOrigins: [String],
            limits: XMLStreamParser.Limits, tickInterval: Duration = .milliseconds(100), drainTimeout: Duration = .seconds(3)
        ) {
            self.host = host
            self.port = port
            self.paths = [bind, "/http-bind"]
            self.bind = bind
            self.root = root
            self.vroute = vroute
            self.corsOrigins = corsOrigins
            self.limits = limits
            self.maxBodySize = 4 * limits.maxStanzaSize
            self.tickInterval = tickInterval
            self.drainTimeout = drainTimeout
        }
    }

    let settings: Settings
    public let sessions: BOSHSessions
    public let webSockets: WebSocketSessions
    let logger: Logger
    let onListening: @Sendable (SocketAddress?) -> Void

    public init(
        settings: Settings, sessions: BOSHSessions, webSockets: WebSocketSessions, logger: Logger,
        onListening: @escaping @Sendable (SocketAddress?) -> Void = { _ in }
    ) {
        self.settings = settings
        self.sessions = sessions
        self.webSockets = webSockets
        self.logger = logger
        self.onListening = onListening
    }

    public func run() async throws {
        let settings = self.settings
        let sessions = self.sessions
        let webSockets = self.webSockets
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try Self.configure(
                        channel.pipeline.syncOperations, settings: settings, sessions: sessions, webSockets: webSockets)
                }
            }
            .bind(host: settings.host, port: settings.port).get()
        logger.info(
            "bosh listening",
            metadata: [
                "address": "\(channel.localAddress.map { "\($0)" } ?? "?")", "vroute": "\(settings.vroute ?? "-")",
                "websocket.path": "\(webSockets.settings.path)",
            ])
        onListening(channel.localAddress)
        if settings.vroute == nil {
            let environment = sessions.settings.environment
            Task {
                // After the first heartbeats, so replicas that start together see each other.
                try? await Task.sleep(for: .seconds(2))
                await VRouteWarning.check(redis: environment.redis, keys: environment.keys, node: environment.node, logger: self.logger)
            }
        }

        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.tickUntilCancelled() }
                group.addTask { await self.refreshKeysUntilCancelled() }
                try? await channel.closeFuture.get()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            channel.close(promise: nil)
        }
        await drain()
    }

    /// The handlers of one HTTP connection, in order. NIO's upgrade handler
    /// sits before ours: when the first request on a connection upgrades to
    /// an XMPP WebSocket (`WebSocketUpgrader`), every HTTP handler is removed
    /// before the WebSocket ones are added; any other request goes on as HTTP.
    static func configure(
        _ pipeline: ChannelPipeline.SynchronousOperations, settings: Settings, sessions: BOSHSessions,
        webSockets: WebSocketSessions
    ) throws {
        let encoder = HTTPResponseEncoder()
        // Bytes after the upgrade request (an early first frame) go on to the WebSocket decoder.
        let decoder = ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .forwardBytes))
        let beforeUpgrade: [any RemovableChannelHandler] = [
            decoder, HTTPServerPipelineHandler(), HTTPProtocolErrorHandler(vroute: settings.vroute),
        ]
        let afterUpgrade: [any RemovableChannelHandler] = [
            HTTPBodyLimitHandler(maxBodySize: settings.maxBodySize),
            VRouteCookieHandler(vroute: settings.vroute),
            CORSHandler(origins: settings.corsOrigins),
            BOSHRequestHandler(paths: settings.paths, sessions: sessions, limits: settings.limits),
            WebSocketEndpointHandler(sessions: webSockets),
            HostMetaHandler(boshPath: settings.bind, websocketPath: webSockets.settings.path),
            StaticFileHandler(root: settings.root),
        ]
        let upgrade = HTTPServerUpgradeHandler(
            upgraders: [WebSocketUpgrader.make(sessions: webSockets, vroute: settings.vroute)], httpEncoder: encoder,
            extraHTTPHandlers: beforeUpgrade + afterUpgrade, upgradeCompletionHandler: { _ in })
        try pipeline.addHandler(encoder)
        for handler in beforeUpgrade { try pipeline.addHandler(handler) }
        try pipeline.addHandler(upgrade)
        for handler in afterUpgrade { try pipeline.addHandler(handler) }
    }

    private func tickUntilCancelled() async {
        while !Task.isCancelled {
            sessions.tick(now: .now)
            try? await Task.sleep(for: settings.tickInterval)
        }
    }

    private func refreshKeysUntilCancelled() async {
        let interval = sessions.settings.keyTTL / 3
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            await sessions.refreshKeys()
        }
    }

    /// XEP-0124 §17.2 `system-shutdown` to every BOSH session, RFC 6120
    /// §4.9.3.20 `<system-shutdown/>` to every WebSocket stream; wait
    /// (bounded) for their XMPP sessions to finish.
    private func drain() async {
        sessions.terminateAll(.systemShutdown)
        webSockets.terminateAll()
        let deadline = ContinuousClock.now + settings.drainTimeout
        while sessions.liveCount + webSockets.liveCount > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if sessions.liveCount + webSockets.liveCount > 0 {
            logger.warning(
                "sessions still finishing at shutdown",
                metadata: ["bosh.sessions": "\(sessions.liveCount)", "websocket.sessions": "\(webSockets.liveCount)"])
        }
    }
}
