import Cluster
import Testing
import XMPPCore
@testable import Router

/// XEP-0191 §3.1–§3.5: the commands, their errors, the pushes, and the
/// presence a block or an unblock sends.
@Suite("Blocking command IQs (XEP-0191)")
struct BlockingIQTests {
    let juliet = "juliet@example.com/balcony"
    let romeo = "romeo@example.com/orchard"

    /// Juliet on two resources (balcony retrieved the block list, chamber did
    /// not), Romeo subscribed both ways with her, the nurse one way.
    func cluster() -> TableRoutingContext {
        let context = TableRoutingContext()
        context.bind(juliet, node: "c2s-1", blocklist: true)
        context.bind("juliet@example.com/chamber", node: "c2s-2")
        context.bind(romeo, node: "c2s-3")
        context.bind("nurse@example.com/kitchen", node: "c2s-3")
        context.setRoster("juliet@example.com", [("romeo@example.com", .both), ("nurse@example.com", .from)])
        return context
    }

    func iq(_ type: String, _ payload: String, to: String? = nil) -> String {
        "<iq type='\(type)' id='b1'\(to.map { " to='\($0)'" } ?? "")>\(payload)</iq>"
    }

    @Test func discoAdvertisesBlocking() async throws {
        let pass = try await route("<iq to='example.com' type='get' id='d'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>", from: juliet, in: cluster())
        let query = try #require(pass.outbox.stanzas(to: juliet).first?.firstChild(named: "query", namespace: XMPPNamespace.discoInfo))
        #expect(query.children(named: "feature", namespace: XMPPNamespace.discoInfo).contains { $0[attribute: "var"] == "urn:xmpp:blocking" })
    }

    @Test func theBlockListComesFromStorage() async throws {
        let context = cluster()
        let empty = try await route(iq("get", "<blocklist xmlns='urn:xmpp:blocking'/>"), from: juliet, in: context)
        let emptyResult = try #require(empty.outbox.stanzas(to: juliet).first)
        #expect(emptyResult[attribute: "type"] == "result" && emptyResult[attribute: "id"] == "b1")
        #expect(emptyResult.elements.map { $0.serialized() } == ["<blocklist xmlns='urn:xmpp:blocking'/>"])
        context.setBlockList("juliet@example.com", ["iago@example.com", "example.org"])
        let full = try await route(iq("get", "<blocklist xmlns='urn:xmpp:blocking'/>", to: "juliet@example.com"), from: juliet, in: context)
        let items = full.outbox.stanzas(to: juliet).first?.firstChild(named: "blocklist", namespace: XMPPNamespace.blocking)?
            .children(named: "item", namespace: XMPPNamespace.blocking).compactMap { $0[attribute: "jid"] }
        #expect(items == ["example.org", "iago@example.com"])
    }

    @Test func aBlockIsStoredAnsweredAndPushedToResourcesThatAskedForTheList() async throws {
        let context = cluster()
        let pass = try await route(
            iq("set", "<block xmlns='urn:xmpp:blocking'><item jid='Iago@Example.com'/><item jid='example.org'/></block>"), from: juliet, in: context)
        #expect(context.blockListItems("juliet@example.com") == ["example.org", "iago@example.com"])
        let toJuliet = pass.outbox.stanzas(to: juliet)
        #expect(toJuliet.first?[attribute: "type"] == "result" && toJuliet.first?[attribute: "id"] == "b1")
        // §3.3: the push goes to balcony (it retrieved the list), not to chamber.
        let push = try #require(toJuliet.dropFirst().first)
        #expect(push[attribute: "type"] == "set" && push[attribute: "from"] == nil)
        #expect(push.elements.map { $0.serialized() } == [
            "<block xmlns='urn:xmpp:blocking'><item jid='iago@example.com'/><item jid='example.org'/></block>",
        ])
        #expect(pass.outbox.stanzas(to: "juliet@example.com/chamber").isEmpty)
    }

    @Test func unblockAndUnblockAllArePushedAsSent() async throws {
        let context = cluster()
        context.bind("juliet@example.com/chamber", node: "c2s-2", blocklist: true)
        context.setBlockList("juliet@example.com", ["iago@example.com", "example.org"])
        let one = try await route(iq("set", "<unblock xmlns='urn:xmpp:blocking'><item jid='iago@example.com'/></unblock>"), from: juliet, in: context)
        #expect(context.blockListItems("juliet@example.com") == ["example.org"])
        #expect(one.outbox.stanzas(to: "juliet@example.com/chamber").first?.elements.first?.serialized()
            == "<unblock xmlns='urn:xmpp:blocking'><item jid='iago@example.com'/></unblock>")
        let all = try await route(iq("set", "<unblock xmlns='urn:xmpp:blocking'/>"), from: juliet, in: context)
        #expect(context.blockListItems("juliet@example.com") == [])
        #expect(all.outbox.stanzas(to: juliet).first?[attribute: "type"] == "result")
        for resource in [juliet, "juliet@example.com/chamber"] {
            #expect(all.outbox.stanzas(to: resource).last?.elements.first?.serialized() == "<unblock xmlns='urn:xmpp:blocking'/>")
        }
    }

    @Test func errorsOfTheCommand() async throws {
        let context = cluster()
        let cases: [(String, String)] = [
            (iq("set", "<block xmlns='urn:xmpp:blocking'/>"), "bad-request"),
            (iq("set", "<block xmlns='urn:xmpp:blocking'><item jid='romeo@@example.com'/></block>"), "jid-malformed"),
            (iq("set", "<block xmlns='urn:xmpp:blocking'><item jid='ok@example.com'/><item jid='/x'/></block>"), "jid-malformed"),
            (iq("get", "<block xmlns='urn:xmpp:blocking'><item jid='a@example.com'/></block>"), "bad-request"),
            (iq("set", "<blocklist xmlns='urn:xmpp:blocking'/>"), "bad-request"),
            (iq("get", "<blocklist xmlns='urn:xmpp:blocking'/>", to: "romeo@example.com"), "forbidden"),
            (iq("get", "<blocklist xmlns='urn:xmpp:blocking'/>", to: "example.com"), "service-unavailable"),
        ]
        for (stanza, condition) in cases {
            let pass = try await route(stanza, from: juliet, in: context)
            #expect(pass.outbox.errorCondition(to: juliet) == condition, "\(stanza)")
        }
        #expect(context.requests.isEmpty)
        #expect(context.blockListItems("juliet@example.com") == [])
    }

    @Test func overTheBoundStorageRefusesAndNothingIsPushed() async throws {
        let context = cluster()
        context.setBlockListMax(1)
        context.setBlockList("juliet@example.com", ["iago@example.com"])
        let pass = try await route(iq("set", "<block xmlns='urn:xmpp:blocking'><item jid='tybalt@example.com'/></block>"), from: juliet, in: context)
        #expect(pass.outbox.errorCondition(to: juliet) == "policy-violation")
        #expect(pass.outbox.outgoing.count == 1)
    }

    @Test func storageAwayIsAWaitError() async throws {
        let context = cluster()
        context.setStorageDown(true)
        let pass = try await route(iq("set", "<block xmlns='urn:xmpp:blocking'><item jid='iago@example.com'/></block>"), from: juliet, in: context)
        let error = try #require(pass.outbox.stanzas(to: juliet).first?.firstChild(named: "error", namespace: XMPPNamespace.client))
        #expect(error[attribute: "type"] == "wait")
    }

    // MARK: Presence after a block or an unblock

    @Test func aBlockedContactSeesTheUserGoAndTheUserSeesThemGo() async throws {
        let context = cluster()
        let pass = try await route(iq("set", "<block xmlns='urn:xmpp:blocking'><item jid='romeo@example.com'/></block>"), from: juliet, in: context)
        // §3.3: Romeo (subscription both) gets unavailable from each of Juliet's resources.
        #expect(pass.outbox.stanzas(to: romeo).map { "\($0[attribute: "type"] ?? "") \($0[attribute: "from"] ?? "")" } == [
            "unavailable juliet@example.com/balcony", "unavailable juliet@example.com/chamber",
        ])
        // Juliet's resources see Romeo go.
        for resource in [juliet, "juliet@example.com/chamber"] {
            #expect(pass.outbox.stanzas(to: resource).contains { $0[attribute: "type"] == "unavailable" && $0[attribute: "from"] == romeo })
        }
        // The nurse is not blocked and hears nothing.
        #expect(pass.outbox.stanzas(to: "nurse@example.com/kitchen").isEmpty)
    }

    @Test func blockingOnlyWhoSeesNothingSendsNoPresence() async throws {
        let context = cluster()
        context.setRoster("juliet@example.com", [("romeo@example.com", .none)])
        let pass = try await route(iq("set", "<block xmlns='urn:xmpp:blocking'><item jid='example.com/orchard'/></block>"), from: juliet, in: context)
        #expect(pass.outbox.stanzas(to: romeo).isEmpty)
        #expect(pass.outbox.outgoing.count == 2)  // the result and the push
    }

    @Test func whoGotDirectedPresenceGetsUnavailableToo() async throws {
        let context = cluster()
        context.bind("paris@example.com/hall", node: "c2s-4")
        context.setDirected(juliet, ["paris@example.com"])
        let pass = try await route(iq("set", "<block xmlns='urn:xmpp:blocking'><item jid='paris@example.com'/></block>"), from: juliet, in: context)
        #expect(pass.outbox.stanzas(to: "paris@example.com/hall").map { $0[attribute: "from"] } == [juliet])
    }

    @Test func anUnblockedContactGetsCurrentPresenceBothWays() async throws {
        let context = cluster()
        context.setBlockList("juliet@example.com", ["romeo@example.com"])
        let pass = try await route(iq("set", "<unblock xmlns='urn:xmpp:blocking'><item jid='romeo@example.com'/></unblock>"), from: juliet, in: context)
        // §3.4: Romeo gets Juliet's current presence, from each resource.
        #expect(pass.outbox.stanzas(to: romeo).map { "\($0[attribute: "type"] ?? "available") \($0[attribute: "from"] ?? "")" } == [
            "available juliet@example.com/balcony", "available juliet@example.com/chamber",
        ])
        // And Juliet's resources get Romeo's, as a probe would.
        #expect(pass.outbox.stanzas(to: "juliet@example.com/chamber").map { $0[attribute: "from"] } == [romeo])
    }

    @Test func unblockingWhatAnotherItemStillBlocksSendsNothing() async throws {
        let context = cluster()
        context.setBlockList("juliet@example.com", ["romeo@example.com", "example.com/orchard"])
        let pass = try await route(iq("set", "<unblock xmlns='urn:xmpp:blocking'><item jid='romeo@example.com'/></unblock>"), from: juliet, in: context)
        #expect(pass.outbox.stanzas(to: romeo).isEmpty)
        #expect(!pass.outbox.stanzas(to: juliet).contains { $0.name == "presence" })
    }

    @Test func unblockingAContactWhoBlockedTheUserSendsNothingAcross() async throws {
        let context = cluster()
        context.setBlockList("juliet@example.com", ["romeo@example.com"])
        context.setBlockList("romeo@example.com", ["juliet@example.com"])
        let pass = try await route(iq("set", "<unblock xmlns='urn:xmpp:blocking'/>"), from: juliet, in: context)
        #expect(pass.outbox.stanzas(to: romeo).isEmpty)
        #expect(!pass.outbox.stanzas(to: juliet).contains { $0.name == "presence" })
    }
}
