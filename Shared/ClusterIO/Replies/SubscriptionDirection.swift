/// Which way a subscription stanza travels, relative to the `user` argument.
public enum SubscriptionDirection: String, Sendable, Hashable, CaseIterable {
    /// The local `user` sends it to `contact` (who may be local too).
    case outbound
    /// A remote `contact` sent it to the local `user`.
    case inbound
}
