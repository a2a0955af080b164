import Metrics

/// What the gateways count (docs/operations.md, "Metrics"). Dimensions stay
/// low-cardinality: never a JID.
enum GatewayMetrics {
    /// Stanzas clients sent, by kind, accepted into the routers.
    static func stanzaRouted(kind: String) {
        Counter(label: "xmpp.stanzas.in", dimensions: [("kind", kind)]).increment()
    }

    /// Stanzas written to clients.
    static let delivered = Counter(label: "xmpp.stanzas.out")

    /// A `WAIT` after a route submission timed out short of `redis.wait_replicas`.
    static func replicaWaitShortfall() {
        Counter(label: "redis.wait.shortfalls").increment()
    }

    /// Deliveries handed back because their session was gone.
    static let returned = Counter(label: "xmpp.deliveries.returned")

    /// SASL outcomes: `success`, `failure`, `throttled`, `unavailable`.
    static func authentication(_ outcome: String) {
        Counter(label: "xmpp.sasl", dimensions: [("outcome", outcome)]).increment()
    }

    /// Sessions bound on this node right now.
    static let sessions = Gauge(label: "xmpp.sessions")
    /// Connections closed because their client left more than
    /// `max_outbound_bytes` unread (`OutboundWriter`).
    static let slowReadersClosed = Counter(label: "xmpp.slow_readers.closed")
    /// XEP-0198 sessions resumed on this node (from any node).
    static let resumptions = Counter(label: "xmpp.sm.resumptions")
}
