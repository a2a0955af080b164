import ClusterIO
import Testing
import XMPPCore
@testable import Storage

@Suite("subscription.apply planning (RFC 6121 §3, Appendix A, pre-approval §3.4)")
struct SubscriptionPlanTests {
    func relation(_ state: SubscriptionState, approved: Bool = false, item: Bool = true) -> ContactRelation {
        ContactRelation(state: state, approved: approved, hasItem: item)
    }

    @Test func aRequestBetweenLocalUsersChangesBothSides() {
        let plan = SubscriptionPlan.plan(event: .subscribe, direction: .outbound, user: .absent, contact: .absent)
        #expect(plan.route && plan.deliver && !plan.autoReplySubscribed)
        #expect(plan.user == relation(.noneOut))
        // §3.1.3: no roster item for the contact on an inbound request, only the pending flag.
        #expect(plan.contact == relation(.noneIn, item: false))
    }

    @Test func approvalCompletesBothSides() {
        let plan = SubscriptionPlan.plan(
            event: .subscribed, direction: .outbound, user: relation(.noneIn, item: false), contact: relation(.noneOut))
        #expect(plan.route && plan.deliver)
        #expect(plan.user == relation(.from))
        #expect(plan.contact == relation(.to))
    }

    @Test func aContactThatAlreadyLetsTheUserSeeAnswersByItself() {
        // Bob has Alice at 'from' (she lost her side); her new request is approved at once.
        let plan = SubscriptionPlan.plan(event: .subscribe, direction: .outbound, user: .absent, contact: relation(.from))
        #expect(plan.route && !plan.deliver && plan.autoReplySubscribed)
        #expect(plan.user == relation(.to))
        #expect(plan.contact == relation(.from))
    }

    @Test func preApprovalIsKeptNotRoutedAndUsedByTheNextRequest() {
        let approve = SubscriptionPlan.plan(event: .subscribed, direction: .outbound, user: .absent, contact: .absent)
        #expect(!approve.route && !approve.deliver)
        #expect(approve.user == relation(.none, approved: true))
        #expect(approve.contact == .absent)

        // Bob (the pre-approved contact) now asks; Alice's side accepts without asking her.
        let request = SubscriptionPlan.plan(
            event: .subscribe, direction: .outbound, user: .absent, contact: approve.user)
        #expect(request.autoReplySubscribed && !request.deliver)
        #expect(request.contact == relation(.from))
        #expect(request.user == relation(.to))
    }

    @Test func unsubscribedCancelsAPreApproval() {
        let plan = SubscriptionPlan.plan(
            event: .unsubscribed, direction: .outbound, user: relation(.none, approved: true), contact: nil)
        #expect(plan.user == relation(.none))
    }

    @Test func unsubscribeFromBothLeavesFromAndTo() {
        let plan = SubscriptionPlan.plan(event: .unsubscribe, direction: .outbound, user: relation(.both), contact: relation(.both))
        #expect(plan.route && plan.deliver)
        #expect(plan.user == relation(.from))
        #expect(plan.contact == relation(.to))
    }

    @Test func anUnroutedEventNeverReachesTheContact() {
        // Alice sends 'unsubscribed' with nothing to cancel: dropped, Bob untouched.
        let plan = SubscriptionPlan.plan(event: .unsubscribed, direction: .outbound, user: relation(.none), contact: relation(.noneOut))
        #expect(!plan.route && !plan.deliver)
        #expect(plan.contact == relation(.noneOut))
    }

    @Test func inboundFromARemoteContactTouchesOnlyTheUser() {
        let plan = SubscriptionPlan.plan(event: .subscribe, direction: .inbound, user: .absent, contact: nil)
        #expect(!plan.route && plan.deliver && plan.contact == nil)
        #expect(plan.user == relation(.noneIn, item: false))
    }

    /// The user's side of every outbound event, from every Appendix A state,
    /// agrees with `SubscriptionTransition` (pre-approval aside).
    @Test(arguments: SubscriptionPlan.SubscriptionKind.allCases)
    func userSideFollowsAppendixA(_ event: SubscriptionPlan.SubscriptionKind) {
        for state in SubscriptionState.all {
            let plan = SubscriptionPlan.plan(event: event, direction: .outbound, user: relation(state), contact: nil)
            #expect(plan.user.state == SubscriptionTransition.apply(event.outbound, to: state).state, "\(event) from \(state)")
        }
    }
}
