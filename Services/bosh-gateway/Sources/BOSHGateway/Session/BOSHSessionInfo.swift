import XMPPCore

/// What the session creation request settled for the whole session (XEP-0124
/// §7.1, XEP-0206 §4).
struct BOSHSessionInfo: Sendable {
    var sid: String
    /// The XMPP stream id, sent as `authid`.
    var streamID: String
    /// The served domain the client asked for (`to`), normalised.
    var domain: String
    var language: String
    var parameters: BOSHSessionParameters
    var creationRID: UInt64
    /// The client sent no `ver` (§17.1: legacy HTTP error codes).
    var isLegacy: Bool
    /// `Content-Type` of every response (§7.1 `content`).
    var contentType: String

    static let defaultContentType = "text/xml; charset=utf-8"
}

/// What the HTTP side hands the task that drives a session's `ClientSession`.
enum BOSHSessionInput: Sendable {
    /// Open (or, after SASL, re-open) the XMPP stream (XEP-0206 §5).
    case open
    /// The client's payloads, in `rid` order.
    case stanzas([XMLElement])
}
