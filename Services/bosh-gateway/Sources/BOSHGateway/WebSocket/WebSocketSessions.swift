import Gateway
import Logging
import NIOCore
import Synchronization
import XMPPCore
import XMPPStream

/// The XMPP WebSocket sessions (RFC 7395) this gateway runs: starts each
/// one's `ClientSession` and task, and ends them all with `system-shutdown`
/// when the gateway stops. Unlike a BOSH session a WebSocket session lives
/// and dies with its TCP connection, so nothing about it goes to Redis beyond
/// what every gateway session registers (docs/websocket.md).
public final class WebSocketSessions: Sendable {
    public struct Settings: Sendable {
        public var environment: GatewayEnvironment
        /// Domains and SASL policy; STARTTLS is never offered inside a WebSocket.
        public var negotiation: ClientStreamNegotiation.Configuration
        /// The HTTP path of the endpoint (`websocket.path`).
        public var path: String
        /// Each message is limited like a c2s stanza (`max_stanza_size`).
        public var limits: XMLStreamParser.Limits
        /// A connection silent this long is closed with `<connection-timeout/>`.
        public var idleTimeout: TimeAmount
        /// A connection that has not bound a resource this long after the upgrade, too.
        public var handshakeTimeout: TimeAmount
        /// How long we wait for the client's close frame after sending ours.
        public var closeTimeout: TimeAmount

        public init(
            environment: GatewayEnvironment, negotiation: ClientStreamNegotiation.Configuration, path: String,
            limits: XMLStreamParser.Limits, idleTimeout: TimeAmount = .seconds(300),
            handshakeTimeout: TimeAmount = .seconds(30), closeTimeout: TimeAmount = .seconds(2)
        ) {
            self.environment = environment
            self.negotiation = negotiation
            self.path = path
            self.limits = limits
            self.idleTimeout = idleTimeout
            self.handshakeTimeout = handshakeTimeout
            self.closeTimeout = closeTimeout
        }
    }

    let settings: Settings
    private let live = Mutex<[ObjectIdentifier: WebSocketConnection]>([:])
    private let closing = Atomic<Bool>(false)

    public init(settings: Settings) {
        self.settings = settings
    }

    /// Connections whose XMPP session has not finished yet.
    public var liveCount: Int { live.withLock { $0.count } }

    /// Shutdown has begun: upgrades are refused.
    var isClosing: Bool { closing.load(ordering: .relaxed) }

    /// Starts the XMPP session of a connection that has just been upgraded.
    func start(_ connection: WebSocketConnection) {
        var environment = settings.environment
        environment.logger[metadataKey: "transport"] = "websocket"
        let client = ClientSession(
            environment: environment, transport: connection.transport, configuration: settings.negotiation,
            secured: true)
        let key = ObjectIdentifier(connection)
        let count = live.withLock { table in
            table[key] = connection
            return table.count
        }
        WebSocketMetrics.connections.record(count)
        Task {
            await WebSocketSessionLoop.run(connection, client: client)
            let count = self.live.withLock { table in
                table[key] = nil
                return table.count
            }
            WebSocketMetrics.connections.record(count)
        }
    }

    /// Refuses new upgrades and ends every stream with `<system-shutdown/>`
    /// (RFC 6120 §4.9.3.20), then `<close/>` (RFC 7395 §3.6).
    func terminateAll() {
        closing.store(true, ordering: .relaxed)
        for connection in live.withLock({ Array($0.values) }) {
            Task { await connection.transport.end(.systemShutdown, text: nil) }
        }
    }
}
