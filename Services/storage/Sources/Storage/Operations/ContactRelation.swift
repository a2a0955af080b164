import XMPPCore

/// What one user has stored about one contact, as far as subscriptions go: the
/// Appendix A state (subscription, pending out from the roster item's `ask`,
/// pending in from the pending-requests table), the pre-approval flag and
/// whether a roster item exists at all.
struct ContactRelation: Sendable, Hashable {
    var state: SubscriptionState
    var approved: Bool
    var hasItem: Bool

    static let absent = ContactRelation(state: .none, approved: false, hasItem: false)

    /// An item is created once there is something to show in the roster
    /// (RFC 6121 §3.1.2: on an outbound request, §3.4: on a pre-approval) and is
    /// never removed by a subscription change, only by `roster.remove`. A
    /// pending inbound request alone does not create one (§3.1.3).
    var needsItem: Bool {
        hasItem || state.subscription != .none || state.pendingOut || approved
    }

    /// The roster shows a difference between `self` and `before` (roster push).
    func rosterDiffers(from before: ContactRelation) -> Bool {
        guard needsItem else { return false }
        return !before.hasItem || state.subscription != before.state.subscription
            || state.pendingOut != before.state.pendingOut || approved != before.approved
    }
}
