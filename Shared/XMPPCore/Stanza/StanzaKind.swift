/// The three stanza kinds (RFC 6120 §8): the top-level elements in the
/// `jabber:client` or `jabber:server` namespace.
public enum StanzaKind: String, Sendable, Hashable, CaseIterable {
    case message
    case presence
    case iq
}
