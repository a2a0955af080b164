/// The 'type' of a `<presence/>` (RFC 6121 §4.7.1). `available` stands for the
/// absence of a 'type' attribute; it is never written as a value.
public enum PresenceType: String, Sendable, Hashable, CaseIterable {
    /// No 'type' attribute: the entity is available (RFC 6121 §4.7.1).
    case available
    case error
    case probe
    case subscribe
    case subscribed
    case unavailable
    case unsubscribe
    case unsubscribed
}
