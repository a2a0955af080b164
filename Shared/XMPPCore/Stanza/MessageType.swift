/// The 'type' of a `<message/>` (RFC 6121 §5.2.2).
public enum MessageType: String, Sendable, Hashable, CaseIterable {
    case chat
    case error
    case groupchat
    case headline
    /// The default: an absent or unrecognised type means 'normal' (RFC 6121 §5.2.2).
    case normal
}
