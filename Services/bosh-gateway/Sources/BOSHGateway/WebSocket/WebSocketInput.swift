import XMPPCore

/// What one client WebSocket message (or the connection around it) means to
/// the XMPP session behind it, in the order the session must see it.
enum WebSocketInput: Sendable, Equatable {
    /// `<open/>` (RFC 7395 §3.4), as the stream header the negotiation checks.
    case open(XMLStreamHeader)
    /// A stanza or negotiation element (RFC 7395 §3.3.3).
    case stanza(XMLElement)
    /// `<close/>` (RFC 7395 §3.6).
    case close
    /// End the stream with this error: bad input (RFC 7395 §3.3.3, RFC 6120
    /// §4.9.3), a timeout, or shutdown.
    case streamError(StreamError.Condition, text: String?)
}
