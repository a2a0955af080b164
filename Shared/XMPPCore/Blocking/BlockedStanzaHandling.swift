/// What the server does with a stanza that a block stands in the way of
/// (XEP-0191 §3.3). Pure rules; the router carries them out.
public enum BlockedStanzaHandling: Sendable, Hashable {
    /// Dropped without a word.
    case drop
    /// Answered to its sender with this error.
    case bounce(StanzaError)

    /// A stanza from a JID the addressee blocked: presence of every kind
    /// (notifications, subscriptions, probes) is dropped without an error;
    /// a message is answered `service-unavailable` (SHOULD), as an IQ get or
    /// set is (MUST); other IQs, and errors, are dropped. The answer is the
    /// one an offline or unknown account gives, so the sender learns nothing.
    public static func inbound(_ stanza: XMLElement) -> BlockedStanzaHandling {
        switch stanza.stanzaKind {
        case .message:
            stanza.messageType == .error ? .drop : .bounce(StanzaError(.serviceUnavailable))
        case .iq:
            stanza.iqType?.isRequest == true ? .bounce(StanzaError(.serviceUnavailable)) : .drop
        case .presence, nil:
            .drop
        }
    }

    /// A stanza the user sends to a JID they blocked: refused with
    /// `<not-acceptable/>` and `<blocked xmlns='urn:xmpp:blocking:errors'/>`.
    /// An error, or an IQ result, is never answered with an error (RFC 6120
    /// §8.3.1): it is dropped.
    public static func outbound(_ stanza: XMLElement) -> BlockedStanzaHandling {
        if stanza[attribute: "type"] == "error" { return .drop }
        if stanza.stanzaKind == .iq, stanza.iqType?.isRequest != true { return .drop }
        return .bounce(.blocked)
    }
}
