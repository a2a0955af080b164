/// The server-side subscription state changes of RFC 6121 Appendix A, as one pure
/// function. Storage applies it to both users' roster items in one transaction;
/// routers use `forward` to decide whether the stanza goes on.
public enum SubscriptionEvent: Sendable, Hashable, CaseIterable {
    /// The user sends `subscribe` to the contact (A.2.1).
    case outboundSubscribe
    /// The contact's `subscribed` reaches the user (A.2.2).
    case inboundSubscribed
    /// The user sends `subscribed` to the contact, approving it (A.3.1).
    case outboundSubscribed
    /// The contact's `subscribe` reaches the user (A.3.2).
    case inboundSubscribe
    /// The user sends `unsubscribe` to the contact (A.4.1).
    case outboundUnsubscribe
    /// The contact's `unsubscribed` reaches the user (A.4.2).
    case inboundUnsubscribed
    /// The user sends `unsubscribed` to the contact, cancelling or denying (A.5.1).
    case outboundUnsubscribed
    /// The contact's `unsubscribe` reaches the user (A.5.2).
    case inboundUnsubscribe

    /// Whether the event is a stanza the user sends (as opposed to receives).
    public var isOutbound: Bool {
        switch self {
        case .outboundSubscribe, .outboundSubscribed, .outboundUnsubscribe, .outboundUnsubscribed: true
        default: false
        }
    }
}

/// What happens to the user's state for one contact, and to the stanza.
public struct SubscriptionTransition: Sendable, Hashable {
    /// The state after the event.
    public let state: SubscriptionState
    /// The state changed, so the user's interested resources get a roster push
    /// (RFC 6121 §2.1.6), unless only `pendingIn` changed, which the roster does
    /// not show.
    public var changed: Bool { state != before }
    public var rosterChanged: Bool {
        state.subscription != before.subscription || state.pendingOut != before.pendingOut
    }
    /// The stanza goes on: outbound to the contact, inbound to the user.
    public let forward: Bool
    /// For an inbound `subscribe` the user already approved: the server answers
    /// `subscribed` on the user's behalf (RFC 6121 §3.1.3).
    public let autoReplySubscribed: Bool

    let before: SubscriptionState

    /// Applies `event` to `state` (RFC 6121 Appendix A.2–A.5).
    public static func apply(_ event: SubscriptionEvent, to state: SubscriptionState) -> SubscriptionTransition {
        let next = nextState(event, state)
        let changed = next != state
        let forward: Bool
        var autoReply = false
        switch event {
        case .outboundSubscribe, .outboundUnsubscribe:
            // §3.1.2, §3.3.2: the request is routed to the contact whatever the state,
            // so a contact that lost its side of the state can recover it.
            forward = true
        case .inboundSubscribe:
            // §3.1.3: a contact the user already lets see its presence gets an
            // automatic `subscribed`; otherwise the user sees the request.
            autoReply = state.contactSeesUser
            forward = !autoReply
        case .inboundSubscribed, .inboundUnsubscribed, .inboundUnsubscribe,
            .outboundSubscribed, .outboundUnsubscribed:
            // §3.1.5, §3.1.6, §3.2.2, §3.2.3, §3.3.3: with no state change there is
            // nothing to tell; the stanza is dropped.
            forward = changed
        }
        return SubscriptionTransition(state: next, forward: forward, autoReplySubscribed: autoReply, before: state)
    }

    private static func nextState(_ event: SubscriptionEvent, _ s: SubscriptionState) -> SubscriptionState {
        switch event {
        case .outboundSubscribe:  // A.2.1
            if s == .none { return .noneOut }
            if s == .noneIn { return .noneOutIn }
            if s == .from { return .fromOut }
            return s
        case .inboundSubscribed:  // A.2.2
            if s == .noneOut { return .to }
            if s == .noneOutIn { return .toIn }
            if s == .fromOut { return .both }
            return s
        case .outboundSubscribed:  // A.3.1
            if s == .noneIn { return .from }
            if s == .noneOutIn { return .fromOut }
            if s == .toIn { return .both }
            return s
        case .inboundSubscribe:  // A.3.2
            if s == .none { return .noneIn }
            if s == .noneOut { return .noneOutIn }
            if s == .to { return .toIn }
            return s
        case .outboundUnsubscribe, .inboundUnsubscribed:  // A.4.1, A.4.2
            if s == .noneOut { return .none }
            if s == .noneOutIn { return .noneIn }
            if s == .to { return .none }
            if s == .toIn { return .noneIn }
            if s == .fromOut { return .from }
            if s == .both { return .from }
            return s
        case .outboundUnsubscribed, .inboundUnsubscribe:  // A.5.1, A.5.2
            if s == .noneIn { return .none }
            if s == .noneOutIn { return .noneOut }
            if s == .toIn { return .to }
            if s == .from { return .none }
            if s == .fromOut { return .noneOut }
            if s == .both { return .to }
            return s
        }
    }
}
