import Cluster
import Testing
import XMPPCore
@testable import Router

/// XEP-0191 §3.3 both ways: what a blocked JID sends the user, what the user
/// sends a blocked JID, and what routing fans out across a block.
@Suite("Blocking enforcement (XEP-0191 §3.3)")
struct BlockingEnforcementTests {
    let juliet = "juliet@example.com/balcony"
    let romeo = "romeo@example.com/orchard"

    /// Juliet blocked Romeo; they were subscribed both ways; the nurse sees Juliet.
    func cluster(blocks: [String] = ["romeo@example.com"]) -> TableRoutingContext {
        let context = TableRoutingContext()
        context.bind(juliet, node: "c2s-1")
        context.bind(romeo, node: "c2s-2")
        context.bind("nurse@example.com/kitchen", node: "c2s-3")
        context.setRoster("juliet@example.com", [("romeo@example.com", .both), ("nurse@example.com", .both)])
        context.setRoster("romeo@example.com", [("juliet@example.com", .both)])
        context.setBlockList("juliet@example.com", blocks)
        return context
    }

    // MARK: Inbound: from a blocked JID to the user

    @Test func aBlockedSendersMessageIsAnsweredAsIfNobodyWereThere() async throws {
        let context = cluster()
        for to in ["juliet@example.com", juliet] {
            let pass = try await route("<message to='\(to)' type='chat' id='m'><body>hi</body></message>", from: romeo, in: context)
            #expect(pass.outbox.stanzas(to: juliet).isEmpty)
            #expect(pass.outbox.errorCondition(to: romeo) == "service-unavailable")
            #expect(pass.outbox.stanzas(to: romeo).first?[attribute: "from"] == to)
        }
        // Juliet offline: nothing is stored for her either.
        context.bind(juliet, node: "c2s-1", available: false)
        let offline = try await route("<message to='juliet@example.com' type='chat'><body>hi</body></message>", from: romeo, in: context)
        #expect(offline.outbox.errorCondition(to: romeo) == "service-unavailable")
        #expect(context.requests.isEmpty)
    }

    @Test func aBlockedSendersPresenceAndIQResultsVanish() async throws {
        let context = cluster()
        for stanza in [
            "<presence to='\(juliet)'/>", "<presence to='juliet@example.com' type='subscribe'/>",
            "<presence to='juliet@example.com' type='probe'/>", "<iq to='\(juliet)' type='result' id='r'/>",
            "<message to='juliet@example.com' type='error'/>",
        ] {
            let pass = try await route(stanza, from: romeo, in: context)
            #expect(pass.outbox.isEmpty, "\(stanza)")
        }
        #expect(context.requests.isEmpty)  // the subscribe never reached storage
        let get = try await route("<iq to='\(juliet)' type='get' id='v'><query xmlns='jabber:iq:version'/></iq>", from: romeo, in: context)
        #expect(get.outbox.errorCondition(to: romeo) == "service-unavailable")
        let vcard = try await route("<iq to='juliet@example.com' type='get' id='v'><vCard xmlns='vcard-temp'/></iq>", from: romeo, in: context)
        #expect(vcard.outbox.errorCondition(to: romeo) == "service-unavailable")
    }

    @Test func theFourFormsOfItemsMatchSenders() async throws {
        let rows: [(String, String, Bool)] = [
            ("romeo@example.com/orchard", romeo, true), ("romeo@example.com/orchard", "romeo@example.com/garden", false),
            ("romeo@example.com", "romeo@example.com/garden", true), ("example.com/orchard", "benvolio@example.com/orchard", true),
            ("example.com/orchard", "benvolio@example.com/street", false), ("example.com", "benvolio@example.com/street", true),
        ]
        for (item, sender, blocked) in rows {
            let context = cluster(blocks: [item])
            let pass = try await route("<message to='juliet@example.com' type='chat'><body>x</body></message>", from: sender, in: context)
            #expect(pass.outbox.stanzas(to: juliet).isEmpty == blocked, "\(item) / \(sender)")
        }
    }

    // MARK: Outbound: from the user to a blocked JID

    @Test func theUsersStanzasToABlockedJIDAreRefusedAsBlocked() async throws {
        let context = cluster()
        for stanza in [
            "<message to='romeo@example.com' type='chat' id='m'><body>hi</body></message>",
            "<message to='\(romeo)' type='chat' id='m'><body>hi</body></message>",
            "<iq to='\(romeo)' type='get' id='p'><ping xmlns='urn:xmpp:ping'/></iq>",
            "<presence to='romeo@example.com'/>",
            "<presence to='romeo@example.com' type='subscribed'/>",
        ] {
            let pass = try await route(stanza, from: juliet, in: context)
            #expect(pass.outbox.stanzas(to: romeo).isEmpty, "\(stanza)")
            let error = try #require(pass.outbox.stanzas(to: juliet).first?.firstChild(named: "error", namespace: XMPPNamespace.client))
            #expect(error[attribute: "type"] == "cancel")
            #expect(error.firstChild(named: "not-acceptable", namespace: XMPPNamespace.stanzas) != nil)
            #expect(error.firstChild(named: "blocked", namespace: "urn:xmpp:blocking:errors") != nil)
        }
        #expect(context.requests.isEmpty)
        let result = try await route("<iq to='\(romeo)' type='result' id='r'/>", from: juliet, in: context)
        #expect(result.outbox.isEmpty)
    }

    @Test func aBlockedResourceIsLeftOutOfAMessageToTheBareJID() async throws {
        let context = cluster(blocks: ["romeo@example.com/orchard"])
        context.bind("romeo@example.com/garden", node: "c2s-2")
        let pass = try await route("<message to='romeo@example.com' type='chat'><body>hi</body></message>", from: juliet, in: context)
        #expect(pass.outbox.summary == ["c2s-2 romeo@example.com/garden message chat"])
    }

    @Test func ownResourcesAndTheServerAreNeverBlocked() async throws {
        let context = cluster(blocks: ["juliet@example.com", "example.com"])
        context.bind("juliet@example.com/chamber", node: "c2s-2")
        let own = try await route("<message to='juliet@example.com/chamber' type='chat'><body>note</body></message>", from: juliet, in: context)
        #expect(own.outbox.summary == ["c2s-2 juliet@example.com/chamber message chat"])
        let ping = try await route("<iq to='example.com' type='get' id='p'><ping xmlns='urn:xmpp:ping'/></iq>", from: juliet, in: context)
        #expect(ping.outbox.stanzas(to: juliet).first?[attribute: "type"] == "result")
        // The domain item blocks every other account at it.
        let other = try await route("<message to='romeo@example.com' type='chat'><body>x</body></message>", from: juliet, in: context)
        #expect(other.outbox.errorCondition(to: juliet) == "not-acceptable")
    }

    // MARK: What routing fans out

    @Test func broadcastsSkipBlockedContactsBothWays() async throws {
        let context = cluster()
        let fromJuliet = try await route("<presence><show>away</show></presence>", from: juliet, in: context)
        #expect(Set(fromJuliet.outbox.outgoing.map(\.delivery.to)) == ["nurse@example.com/kitchen", juliet])
        let fromRomeo = try await route("<presence><show>away</show></presence>", from: romeo, in: context)
        #expect(Set(fromRomeo.outbox.outgoing.map(\.delivery.to)) == [romeo])
    }

    @Test func aLoginHearsNothingFromABlockedContact() async throws {
        let context = cluster()
        context.setRoster("juliet@example.com", [("romeo@example.com", .both), ("nurse@example.com", .both), ("tybalt@example.com", .noneIn)])
        context.setBlockList("juliet@example.com", [])
        context.bind(juliet, node: "c2s-1", available: false)
        // Messages stored while Juliet was away; Romeo's before she blocked him.
        _ = try await route("<message to='juliet@example.com' type='chat'><body>romeo</body></message>", from: romeo, in: context)
        _ = try await route("<message to='juliet@example.com' type='chat'><body>nurse</body></message>", from: "nurse@example.com/kitchen", in: context)
        context.setBlockList("juliet@example.com", ["romeo@example.com", "tybalt@example.com"])
        #expect(context.offline("juliet@example.com").count == 2)

        let login = try await route("<presence/>", from: juliet, in: context, initial: true)
        let toJuliet = login.outbox.stanzas(to: juliet)
        // Probes answered: the nurse, not Romeo; Tybalt's pending request is held back; only the nurse's message.
        #expect(toJuliet.filter { $0.name == "presence" }.compactMap { $0[attribute: "from"] } == ["nurse@example.com/kitchen"])
        #expect(toJuliet.filter { $0.name == "message" }.map { $0.firstChild(named: "body", namespace: $0.namespace)?.text } == ["nurse"])
        #expect(login.outbox.stanzas(to: romeo).isEmpty)
    }

    @Test func aBlockedContactsLoginDoesNotSeeTheUser() async throws {
        let context = cluster()
        let login = try await route("<presence/>", from: romeo, in: context, initial: true)
        #expect(!login.outbox.stanzas(to: romeo).contains { $0[attribute: "from"] == juliet })
        #expect(login.outbox.stanzas(to: juliet).isEmpty)
    }

    @Test func laterEntriesOfABatchSeeABlockMadeEarlierInIt() async throws {
        let context = cluster(blocks: [])
        let lookups = AccountLookups()
        // The worker reads every sender's and addressee's list ahead of the batch.
        await lookups.readAhead(sessionsOf: [], blockListsOf: [try JID(juliet), try JID(romeo)], context: context)
        _ = try await route(
            "<iq type='set' id='b'><block xmlns='urn:xmpp:blocking'><item jid='romeo@example.com'/></block></iq>", from: juliet, in: context,
            entryID: "1-0", lookups: lookups)
        let message = try await route(
            "<message to='romeo@example.com' type='chat'><body>after</body></message>", from: juliet, in: context, entryID: "1-1", lookups: lookups)
        #expect(message.outbox.errorCondition(to: juliet) == "not-acceptable")
        let inbound = try await route(
            "<message to='juliet@example.com' type='chat'><body>hi</body></message>", from: romeo, in: context, entryID: "1-2", lookups: lookups)
        #expect(inbound.outbox.errorCondition(to: romeo) == "service-unavailable")
    }
}
