import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import XMPPCore

/// The BOSH gateway's HTTP/1.1 listener (XEP-0124/0206 behind nginx): one
/// pipeline per connection, one handler per rule (`configure(_:)`), the
/// sessions' timers, and their `bosh:{sid}` keys. On graceful shutdown it stops
/// accepting and ends every session with `system-shutdown`, then gives their
/// XMPP sessions a bounded moment to leave the cluster.
public final class BOSHServer: Service, Sendable {
    public struct Settings: Sendable {
        public var host: String
        public var port: Int
        /// POST paths: `bind` (default `/xmpp`) and `/http-bind`.
        public var paths: Set<String>
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
    let logger: Logger
    let onListening: @Sendable (SocketAddress?) -> Void

    public init(
        settings: Settings, sessions: BOSHSessions, logger: Logger, onListening: @escaping @Sendable (SocketAddress?) -> Void = { _ in }
    ) {
        self.settings = settings
        self.sessions = sessions
        self.logger = logger
        self.onListening = onListening
    }

    public func run() async throws {
        let settings = self.settings
        let sessions = self.sessions
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try Self.configure(channel.pipeline.syncOperations, settings: settings, sessions: sessions)
                }
            }
            .bind(host: settings.host, port: settings.port).get()
        logger.info(
            "bosh listening",
            metadata: ["address": "\(channel.localAddress.map { "\($0)" } ?? "?")", "vroute": "\(settings.vroute ?? "-")"])
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

    /// The handlers of one HTTP connection, in order.
    static func configure(_ pipeline: ChannelPipeline.SynchronousOperations, settings: Settings, sessions: BOSHSessions) throws {
        try pipeline.configureHTTPServerPipeline(withPipeliningAssistance: true, withErrorHandling: false)
        try pipeline.addHandler(HTTPProtocolErrorHandler(vroute: settings.vroute))
        try pipeline.addHandler(HTTPBodyLimitHandler(maxBodySize: settings.maxBodySize))
        try pipeline.addHandler(VRouteCookieHandler(vroute: settings.vroute))
        try pipeline.addHandler(CORSHandler(origins: settings.corsOrigins))
        try pipeline.addHandler(BOSHRequestHandler(paths: settings.paths, sessions: sessions, limits: settings.limits))
        try pipeline.addHandler(StaticFileHandler(root: settings.root))
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

    /// XEP-0124 §17.2 `system-shutdown` to every session; wait (bounded) for
    /// their XMPP sessions to finish.
    private func drain() async {
        sessions.terminateAll(.systemShutdown)
        let deadline = ContinuousClock.now + settings.drainTimeout
        while sessions.liveCount > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if sessions.liveCount > 0 {
            logger.warning("BOSH sessions still finishing at shutdown", metadata: ["bosh.sessions": "\(sessions.liveCount)"])
        }
    }
}
