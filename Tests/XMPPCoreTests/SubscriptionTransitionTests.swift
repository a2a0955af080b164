import Testing
@testable import XMPPCore

/// Every row of RFC 6121 Appendix A's tables A.2.1–A.5.2: for each event, the nine
/// states in the order of A.1 and the state the table says each one becomes.
@Suite("RFC 6121 Appendix A subscription states")
struct SubscriptionTransitionTests {
    typealias S = SubscriptionState
    // Columns: None, None+PO, None+PI, None+PO/PI, To, To+PI, From, From+PO, Both
    static let tables: [(SubscriptionEvent, [S])] = [
        (.outboundSubscribe, [.noneOut, .noneOut, .noneOutIn, .noneOutIn, .to, .toIn, .fromOut, .fromOut, .both]),
        (.inboundSubscribed, [.none, .to, .noneIn, .toIn, .to, .toIn, .from, .both, .both]),
        (.outboundSubscribed, [.none, .noneOut, .from, .fromOut, .to, .both, .from, .fromOut, .both]),
        (.inboundSubscribe, [.noneIn, .noneOutIn, .noneIn, .noneOutIn, .toIn, .toIn, .from, .fromOut, .both]),
        (.outboundUnsubscribe, [.none, .none, .noneIn, .noneIn, .none, .noneIn, .from, .from, .from]),
        (.inboundUnsubscribed, [.none, .none, .noneIn, .noneIn, .none, .noneIn, .from, .from, .from]),
        (.outboundUnsubscribed, [.none, .noneOut, .none, .noneOut, .to, .to, .none, .noneOut, .to]),
        (.inboundUnsubscribe, [.none, .noneOut, .none, .noneOut, .to, .to, .none, .noneOut, .to]),
    ]

    @Test(arguments: 0..<8)
    func everyRowOfTheTable(_ index: Int) {
        let (event, expected) = Self.tables[index]
        for (state, next) in zip(S.all, expected) {
            let transition = SubscriptionTransition.apply(event, to: state)
            #expect(transition.state == next, "\(event) from \(state): expected \(next), got \(transition.state)")
        }
    }

    @Test func tablesCoverEveryEvent() {
        #expect(Set(Self.tables.map(\.0)) == Set(SubscriptionEvent.allCases))
    }

    @Test func onlyTheNineStatesExist() {
        var count = 0
        for subscription in S.Subscription.allCases {
            for out in [false, true] {
                for pending in [false, true] where S(subscription, pendingOut: out, pendingIn: pending) != nil {
                    count += 1
                }
            }
        }
        #expect(count == 9)
        #expect(S(.both, pendingOut: true) == nil)
        #expect(S(.from, pendingIn: true) == nil)
    }

    @Test func outboundRequestsAreAlwaysRouted() {
        for state in S.all {
            #expect(SubscriptionTransition.apply(.outboundSubscribe, to: state).forward)
            #expect(SubscriptionTransition.apply(.outboundUnsubscribe, to: state).forward)
        }
    }

    @Test func inboundSubscribeFromApprovedContactIsAutoAnswered() {
        for state in S.all {
            let transition = SubscriptionTransition.apply(.inboundSubscribe, to: state)
            #expect(transition.autoReplySubscribed == state.contactSeesUser)
            #expect(transition.forward == !state.contactSeesUser)
        }
    }

    @Test func stanzasThatChangeNothingAreDropped() {
        // §3.1.6: a `subscribed` the user never asked for is ignored.
        #expect(!SubscriptionTransition.apply(.inboundSubscribed, to: .none).forward)
        #expect(!SubscriptionTransition.apply(.inboundSubscribed, to: .both).forward)
        #expect(SubscriptionTransition.apply(.inboundSubscribed, to: .noneOut).forward)
        // §3.2.2: cancelling a subscription that does not exist is not routed.
        #expect(!SubscriptionTransition.apply(.outboundUnsubscribed, to: .to).forward)
        #expect(SubscriptionTransition.apply(.outboundUnsubscribed, to: .both).forward)
    }

    @Test func pendingInAloneIsNotARosterChange() {
        let transition = SubscriptionTransition.apply(.inboundSubscribe, to: .none)
        #expect(transition.changed)
        #expect(!transition.rosterChanged)
        #expect(SubscriptionTransition.apply(.outboundSubscribe, to: .none).rosterChanged)
    }

    @Test func namesFollowAppendixA() {
        #expect(S.noneOutIn.description == "None + Pending Out/In")
        #expect(S.toIn.description == "To + Pending In")
        #expect(S.both.description == "Both")
    }
}
