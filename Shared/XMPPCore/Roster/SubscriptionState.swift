/// The subscription between a user and one contact, from the user's side, as
/// RFC 6121 Appendix A.1 defines it: the roster `subscription` attribute plus
/// whether a request is pending in either direction.
///
/// Only the nine combinations of A.1 exist: a pending outbound request only when
/// the user is not yet subscribed to the contact (`none`, `from`), a pending
/// inbound one only when the contact is not yet subscribed to the user (`none`,
/// `to`). The initialiser enforces that.
public struct SubscriptionState: Sendable, Hashable, CustomStringConvertible {
    /// The roster item's `subscription` attribute (RFC 6121 §2.1.2.5).
    public enum Subscription: String, Sendable, Hashable, CaseIterable {
        /// Neither is subscribed to the other's presence.
        case none
        /// The user receives the contact's presence.
        case to
        /// The contact receives the user's presence.
        case from
        /// Both receive each other's presence.
        case both
    }

    public let subscription: Subscription
    /// The user asked to see the contact's presence and has no answer yet
    /// (`ask='subscribe'` on the roster item, RFC 6121 §2.1.2.2).
    public let pendingOut: Bool
    /// The contact asked to see the user's presence and the user has not answered.
    /// Not shown in the roster; kept so the request is delivered again on login
    /// (RFC 6121 §3.1.3).
    public let pendingIn: Bool

    /// `nil` for a combination Appendix A.1 does not define.
    public init?(_ subscription: Subscription, pendingOut: Bool = false, pendingIn: Bool = false) {
        if pendingOut, subscription == .to || subscription == .both { return nil }
        if pendingIn, subscription == .from || subscription == .both { return nil }
        self.subscription = subscription
        self.pendingOut = pendingOut
        self.pendingIn = pendingIn
    }

    public static let none = SubscriptionState(.none)!
    public static let noneOut = SubscriptionState(.none, pendingOut: true)!
    public static let noneIn = SubscriptionState(.none, pendingIn: true)!
    public static let noneOutIn = SubscriptionState(.none, pendingOut: true, pendingIn: true)!
    public static let to = SubscriptionState(.to)!
    public static let toIn = SubscriptionState(.to, pendingIn: true)!
    public static let from = SubscriptionState(.from)!
    public static let fromOut = SubscriptionState(.from, pendingOut: true)!
    public static let both = SubscriptionState(.both)!

    /// The nine states of RFC 6121 Appendix A.1, in the order its tables list them.
    public static let all: [SubscriptionState] = [
        .none, .noneOut, .noneIn, .noneOutIn, .to, .toIn, .from, .fromOut, .both,
    ]

    /// The user receives the contact's presence.
    public var userSeesContact: Bool { subscription == .to || subscription == .both }
    /// The contact receives the user's presence.
    public var contactSeesUser: Bool { subscription == .from || subscription == .both }

    /// The names Appendix A.1 uses ("None + Pending Out", "To + Pending In").
    public var description: String {
        let base = subscription.rawValue.prefix(1).uppercased() + subscription.rawValue.dropFirst()
        switch (pendingOut, pendingIn) {
        case (false, false): return base
        case (true, false): return base + " + Pending Out"
        case (false, true): return base + " + Pending In"
        case (true, true): return base + " + Pending Out/In"
        }
    }
}
