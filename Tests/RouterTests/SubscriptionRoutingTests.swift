import ClusterIO
import Gateway
import Testing
import XMPPCore
@testable import Router

@Suite("Subscription requests (RFC 6121 §3.1)")
struct SubscriptionRoutingTests {
    let romeo = "romeo@example.com/orchard"
    let request = "<presence to='juliet@example.com' type='subscribe'/>"

    func cluster() -> TableRoutingContext {
        let context = TableRoutingContext()
        context.bind(romeo)
        context.addAccount("juliet@example.com")
        context.answerSubscriptions(SubscriptionOutcome(route: true, deliver: true, autoReplySubscribed: false, pushes: []))
        return context
    }

    /// The batch read Juliet's sessions before anything below happened: none.
    func lookupsWithoutJuliet() throws -> AccountLookups {
        let lookups = AccountLookups()
        lookups.store(AccountReads(sessions: [try JID("juliet@example.com"): [:]]))
        return lookups
    }

    func requests(in pass: RoutingPass, to jid: String) -> [XMLElement] {
        pass.outbox.stanzas(to: jid).filter { $0[attribute: "type"] == "subscribe" }
    }

    @Test func aRequestReachesEveryAvailableSessionOfTheContact() async throws {
        let context = cluster()
        context.bind("juliet@example.com/balcony")
        context.bind("juliet@example.com/chamber")
        let pass = try await route(request, from: romeo, in: context)
        for resource in ["balcony", "chamber"] {
            let delivered = requests(in: pass, to: "juliet@example.com/\(resource)")
            #expect(delivered.map { $0[attribute: "from"] } == ["romeo@example.com"])
        }
    }

    @Test func aRequestForAContactWhoLogsInWhileStorageKeepsItReachesTheNewSession() async throws {
        // Juliet's initial presence, routed on her partition while storage
        // kept the request, may have looked for pending requests just before
        // storage flagged this one; the request must still reach her now.
        let context = cluster()
        context.logInWhileStorageAnswers("juliet@example.com/balcony")
        let pass = try await route(request, from: romeo, in: context, lookups: try lookupsWithoutJuliet())
        #expect(requests(in: pass, to: "juliet@example.com/balcony").map { $0[attribute: "from"] } == ["romeo@example.com"])
    }

    @Test func aRequestForAContactWhoStaysOfflineIsOnlyKept() async throws {
        let context = cluster()
        context.bind("juliet@example.com/balcony", available: false)
        let pass = try await route(request, from: romeo, in: context, lookups: try lookupsWithoutJuliet())
        #expect(pass.outbox.outgoing.filter { $0.recipient.bare.description == "juliet@example.com" }.isEmpty)
        #expect(context.requests.map(\.0) == [.subscriptionApply])
    }

    @Test func aRequestStorageSaysNotToDeliverReadsNoSessionsAgain() async throws {
        let context = cluster()
        context.answerSubscriptions(SubscriptionOutcome(route: true, deliver: false, autoReplySubscribed: false, pushes: []))
        context.logInWhileStorageAnswers("juliet@example.com/balcony")
        let pass = try await route(request, from: romeo, in: context, lookups: try lookupsWithoutJuliet())
        #expect(requests(in: pass, to: "juliet@example.com/balcony").isEmpty)
    }
}
