import ClusterIO
import XMPPCore

/// The pure core of `subscription.apply`: given what both users store about each
/// other, what one subscription stanza changes (RFC 6121 §3, Appendix A, with
/// pre-approval from §3.4). Storage loads the relations, calls `plan`, writes
/// the result back in one transaction.
///
/// Built on `SubscriptionTransition.apply`, which it does not second-guess; it
/// only adds what involves both sides or the `approved` flag:
/// - an outbound event reaches the recipient's side only when it is routed;
/// - a recipient that already lets the sender see its presence, or pre-approved
///   it, answers `subscribed` automatically, and that answer is applied to the
///   sender's side at once;
/// - `subscribed` sent before any request is a pre-approval: it sets
///   `approved` and is not routed; `unsubscribed` cancels one.
struct SubscriptionPlan: Sendable, Hashable {
    var user: ContactRelation
    /// The contact's side; `nil` when the contact is not a local account.
    var contact: ContactRelation?
    var route: Bool
    var deliver: Bool
    var autoReplySubscribed: Bool

    /// `user` sends `event` to `contact` (`outbound`), or a remote contact sent
    /// it to `user` (`inbound`, `contact` is then `nil`).
    static func plan(
        event: SubscriptionKind, direction: SubscriptionDirection, user: ContactRelation, contact: ContactRelation?
    ) -> SubscriptionPlan {
        switch direction {
        case .inbound:
            let (side, deliver, autoReply) = receive(event, at: user)
            return SubscriptionPlan(user: side, contact: nil, route: false, deliver: deliver, autoReplySubscribed: autoReply)
        case .outbound:
            var plan = send(event, from: user)
            guard plan.route, let contact else {
                plan.contact = contact
                return plan
            }
            let (side, deliver, autoReply) = receive(event, at: contact)
            plan.contact = side
            plan.deliver = deliver
            plan.autoReplySubscribed = autoReply
            if autoReply {
                // The recipient's server answers `subscribed` (§3.1.3); it reaches the sender.
                plan.user.state = SubscriptionTransition.apply(.inboundSubscribed, to: plan.user.state).state
            }
            return plan
        }
    }

    /// The sender's side of an outbound event.
    private static func send(_ event: SubscriptionKind, from relation: ContactRelation) -> SubscriptionPlan {
        let transition = SubscriptionTransition.apply(event.outbound, to: relation.state)
        var side = relation
        side.state = transition.state
        var route = transition.forward
        switch event {
        case .subscribed where !transition.changed && !relation.state.contactSeesUser:
            // §3.4.1: approving before being asked is a pre-approval, kept, not routed.
            side.approved = true
            route = false
        case .subscribed:
            side.approved = false
        case .unsubscribed:
            // §3.4: `unsubscribed` also cancels a pre-approval.
            side.approved = false
        default:
            break
        }
        side.hasItem = side.needsItem
        return SubscriptionPlan(user: side, contact: nil, route: route, deliver: false, autoReplySubscribed: false)
    }

    /// The recipient's side of an event: its new relation, whether its
    /// resources get the stanza, and whether it answers `subscribed` itself.
    private static func receive(
        _ event: SubscriptionKind, at relation: ContactRelation
    ) -> (ContactRelation, deliver: Bool, autoReply: Bool) {
        let transition = SubscriptionTransition.apply(event.inbound, to: relation.state)
        var side = relation
        side.state = transition.state
        var deliver = transition.forward
        var autoReply = transition.autoReplySubscribed
        if event == .subscribe, relation.approved, !relation.state.contactSeesUser {
            // §3.4.2: a pre-approved request is accepted without asking the user.
            side.state = SubscriptionTransition.apply(.outboundSubscribed, to: side.state).state
            side.approved = false
            deliver = false
            autoReply = true
        }
        side.hasItem = side.needsItem
        return (side, deliver, autoReply)
    }

    /// The subscription stanza types (RFC 6121 §3).
    enum SubscriptionKind: String, Sendable, Hashable, CaseIterable {
        case subscribe, subscribed, unsubscribe, unsubscribed

        var outbound: SubscriptionEvent {
            switch self {
            case .subscribe: .outboundSubscribe
            case .subscribed: .outboundSubscribed
            case .unsubscribe: .outboundUnsubscribe
            case .unsubscribed: .outboundUnsubscribed
            }
        }

        var inbound: SubscriptionEvent {
            switch self {
            case .subscribe: .inboundSubscribe
            case .subscribed: .inboundSubscribed
            case .unsubscribe: .inboundUnsubscribe
            case .unsubscribed: .inboundUnsubscribed
            }
        }
    }
}
