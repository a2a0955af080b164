import Cluster
import ClusterIO
import Testing
@testable import Storage

@Suite("subscription.apply and subscription.pending against the database")
struct SubscriptionOperationsTests {
    static let alice = "alice@example.com"
    static let bob = "bob@example.com"

    func apply(_ harness: StorageHarness, _ user: String, _ contact: String, _ event: String, _ extra: [String: String] = [:]) throws -> SubscriptionOutcome {
        var arguments = ["user": user, "contact": contact, "event": event]
        arguments.merge(extra) { $1 }
        return try #require(SubscriptionOutcome(result: try harness.ok(.subscriptionApply, arguments)))
    }

    @Test func aFullSubscriptionHandshakeWithPushesForBoth() throws {
        let harness = try StorageHarness()
        try harness.createAccount(Self.alice)
        try harness.createAccount(Self.bob)

        let request = try apply(
            harness, Self.alice, Self.bob, "subscribe",
            ["xml": "<presence xmlns='jabber:client' from='alice@example.com' to='bob@example.com' type='subscribe'><status>hi</status></presence>"])
        #expect(request.route && request.deliver && !request.autoReplySubscribed)
        #expect(request.pushes == [
            RosterPush(user: Self.alice, version: 1, item: RosterItemRecord(jid: Self.bob, ask: true))
        ])
        let pending = try harness.ok(.subscriptionPending, ["user": Self.bob])["requests"]?.list ?? []
        #expect(pending.count == 1)
        #expect(PendingSubscription(storageValue: pending[0])?.xml.contains("<status>hi</status>") == true)

        // The request survives a restart (RFC 6121 §3.1.3).
        try harness.reopen()
        #expect((try harness.ok(.subscriptionPending, ["user": Self.bob])["requests"]?.list ?? []).count == 1)

        let approval = try apply(harness, Self.bob, Self.alice, "subscribed")
        #expect(approval.route && approval.deliver)
        #expect(approval.pushes == [
            RosterPush(user: Self.bob, version: 1, item: RosterItemRecord(jid: Self.alice, subscription: .from)),
            RosterPush(user: Self.alice, version: 2, item: RosterItemRecord(jid: Self.bob, subscription: .to)),
        ])
        #expect((try harness.ok(.subscriptionPending, ["user": Self.bob])["requests"]?.list ?? []).isEmpty)
        // A repeated approval changes nothing and is not forwarded.
        let again = try apply(harness, Self.bob, Self.alice, "subscribed")
        #expect(!again.route && !again.deliver && again.pushes.isEmpty)
    }

    @Test func aRemoteContactIsOnlyRouted() throws {
        let harness = try StorageHarness()
        try harness.createAccount(Self.alice)
        let outcome = try apply(harness, Self.alice, "carol@remote.example", "subscribe")
        #expect(outcome.route && !outcome.deliver && outcome.pushes.count == 1)
        let inbound = try apply(harness, Self.alice, "carol@remote.example", "subscribed", ["direction": "inbound"])
        #expect(inbound.deliver && !inbound.route)
        #expect(inbound.pushes.first?.item.subscription == .to)
    }

    @Test func badArguments() throws {
        let harness = try StorageHarness()
        try harness.createAccount(Self.alice)
        #expect(try harness.condition(.subscriptionApply, ["user": Self.alice, "contact": Self.bob, "event": "probe"]) == "bad-request")
        #expect(try harness.condition(.subscriptionApply, ["user": Self.alice, "contact": Self.bob, "event": "subscribe", "direction": "sideways"]) == "bad-request")
        #expect(try harness.condition(.subscriptionApply, ["user": Self.alice, "contact": Self.alice, "event": "subscribe"]) == "bad-request")
        #expect(try harness.condition(.subscriptionApply, ["user": Self.alice, "event": "subscribe"]) == "bad-request")
        #expect(try harness.condition(.subscriptionApply, ["user": "ghost@example.com", "contact": Self.bob, "event": "subscribe"]) == "item-not-found")
    }
}
