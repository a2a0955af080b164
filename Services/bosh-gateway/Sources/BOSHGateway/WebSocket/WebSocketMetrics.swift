import Metrics

/// What the gateway counts about XMPP WebSockets (docs/websocket.md), beside
/// the gateway-wide `xmpp.*` metrics every session feeds.
enum WebSocketMetrics {
    /// Upgrade requests on the WebSocket path: `accepted`, or `refused` (no
    /// `xmpp` subprotocol offered, not a valid handshake, shutting down).
    static func upgrade(_ outcome: String) {
        Counter(label: "xmpp.websocket.upgrades", dimensions: [("outcome", outcome)]).increment()
    }

    /// XMPP WebSocket connections open on this node right now.
    static let connections = Gauge(label: "xmpp.websocket.connections")

    /// Text messages received from clients.
    static let messagesIn = Counter(label: "xmpp.websocket.messages.in")

    /// Text messages written to clients.
    static let messagesOut = Counter(label: "xmpp.websocket.messages.out")
}
