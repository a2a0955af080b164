/// The 'type' of an `<iq/>` (RFC 6120 §8.2.3). The attribute is REQUIRED.
public enum IQType: String, Sendable, Hashable, CaseIterable {
    case get
    case set
    case result
    case error

    /// Whether the IQ is a request that must be answered (RFC 6120 §8.2.3 rule 2).
    public var isRequest: Bool { self == .get || self == .set }
}
