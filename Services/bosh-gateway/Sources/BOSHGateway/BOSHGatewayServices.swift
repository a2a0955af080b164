import Gateway
import NIOCore
import Runtime
import ServiceLifecycle
import XMPPCore
import XMPPStream

/// The bosh-gateway role's services, in start order: the gateway node (storage
/// client, deliveries, re-registration), then the HTTP listener (BOSH and
/// XMPP over WebSocket). Shutdown runs backwards: every BOSH session and
/// WebSocket stream is ended with `system-shutdown` first.
public enum BOSHGatewayServices {
    public static func make(context: TrellisContext) -> [any Service] {
        let configuration = context.configuration
        let node = GatewayNode(context: context)
        // TLS is nginx's (XEP-0206 §4, RFC 7395 §3.9): BOSH and WebSocket
        // streams count as secured, so STARTTLS is never offered and PLAIN is
        // (docs/websocket.md, "TLS and SASL PLAIN").
        let negotiation = ClientStreamNegotiation.Configuration(
            domains: Set(configuration.common.domains), tlsAvailable: false)
        let limits = XMLStreamParser.Limits(maxStanzaSize: configuration.limits.maxStanzaSize)
        let sessions = BOSHSessions(
            settings: .init(
                environment: node.environment, negotiation: negotiation,
                limits: .init(maxWait: configuration.bosh.maxWait, inactivity: configuration.bosh.inactivity)))
        // XEP-0198 over WebSocket (not BOSH, whose requests are acknowledged already).
        var webSocketNegotiation = negotiation
        webSocketNegotiation.streamManagement = configuration.limits.streamManagementMaxSeconds > 0
        let webSockets = WebSocketSessions(
            settings: .init(
                environment: node.environment, negotiation: webSocketNegotiation, path: configuration.bosh.websocketPath,
                limits: limits, idleTimeout: .seconds(Int64(configuration.bosh.websocketIdleTimeoutSeconds)),
                handshakeTimeout: .seconds(Int64(configuration.bosh.websocketHandshakeTimeoutSeconds))))
        let server = BOSHServer(
            settings: .init(
                host: configuration.bosh.host, port: configuration.bosh.port, bind: configuration.bosh.bind,
                root: configuration.bosh.root, vroute: configuration.bosh.resolvedVRoute(),
                corsOrigins: configuration.bosh.corsOrigins, limits: limits),
            sessions: sessions, webSockets: webSockets, logger: context.logger)
        return node.services(listener: server)
    }
}
