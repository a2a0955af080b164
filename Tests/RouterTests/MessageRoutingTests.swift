import Cluster
import Testing
import XMPPCore
@testable import Router

/// RFC 6121 §8.5, one row per rule.
@Suite("Message routing (RFC 6121 §8.5)")
struct MessageRoutingTests {
    @Test func chatToAFullJIDReachesThatSession() async throws {
        let context = TableRoutingContext()
        context.bind("juliet@example.com/balcony", node: "c2s-2")
        context.bind("juliet@example.com/chamber", node: "c2s-3")
        let pass = try await route("<message to='juliet@example.com/balcony' type='chat'><body>hi</body></message>", from: "romeo@example.com/orchard", in: context)
        #expect(pass.outbox.summary == ["c2s-2 juliet@example.com/balcony message chat"])
        #expect(pass.outbox.stanzas(to: "juliet@example.com/balcony").first?[attribute: "from"] == "romeo@example.com/orchard")
    }

    @Test func aMalformedAddressIsBouncedAsJIDMalformedAndReadsNoSessions() async throws {
        let context = TableRoutingContext()
        context.bind("romeo@example.com/orchard", node: "c2s-1")
        let pass = try await route("<message to='juliet@@example.com' type='chat'><body>hi</body></message>", from: "romeo@example.com/orchard", in: context)
        let replies = pass.outbox.stanzas(to: "romeo@example.com/orchard")
        #expect(replies.count == 1)
        #expect(replies.first?[attribute: "type"] == "error")
        #expect(replies.first?.firstChild(named: "error", namespace: XMPPNamespace.client)?.firstChild(named: "jid-malformed", namespace: XMPPNamespace.stanzas) != nil)
        #expect(pass.entry.usersToLookUp(domains: context.domains).allSatisfy { $0.localpart == "romeo" })
    }

    @Test func chatToABareJIDGoesToEveryResourceOfHighestPriority() async throws {
        let context = TableRoutingContext()
        context.bind("juliet@example.com/a", node: "c2s-1", priority: 1)
        context.bind("juliet@example.com/b", node: "c2s-2", priority: 5)
        context.bind("juliet@example.com/c", node: "c2s-3", priority: 5)
        context.bind("juliet@example.com/d", node: "c2s-3", available: false)
        let pass = try await route("<message to='juliet@example.com' type='chat'><body>hi</body></message>", from: "romeo@example.com/orchard", in: context)
        #expect(pass.outbox.summary == ["c2s-2 juliet@example.com/b message chat", "c2s-3 juliet@example.com/c message chat"])
    }

    @Test func negativePriorityNeverGetsBareMessages() async throws {
        let context = TableRoutingContext()
        context.bind("juliet@example.com/a", priority: -1)
        let pass = try await route("<message to='juliet@example.com' type='chat'><body>hi</body></message>", from: "romeo@example.com/orchard", in: context)
        #expect(pass.outbox.isEmpty)
        #expect(context.offline("juliet@example.com").count == 1)
    }

    @Test func headlineToABareJIDGoesToEveryNonNegativeResource() async throws {
        let context = TableRoutingContext()
        context.bind("juliet@example.com/a", priority: 1)
        context.bind("juliet@example.com/b", priority: 0)
        context.bind("juliet@example.com/c", priority: -5)
        let pass = try await route("<message to='juliet@example.com' type='headline'><body>news</body></message>", from: "romeo@example.com/orchard", in: context)
        #expect(pass.outbox.summary.count == 2)
    }

    @Test func chatToAnOfflineAccountIsStoredWithoutAReply() async throws {
        let context = TableRoutingContext()
        context.addAccount("juliet@example.com")
        let pass = try await route("<message to='juliet@example.com' type='chat' id='m1'><body>later</body></message>", from: "romeo@example.com/orchard", in: context, entryID: "7-1")
        #expect(pass.outbox.isEmpty)
        #expect(context.offline("juliet@example.com").count == 1)
        // The request id derives from the entry id: routing it again repeats it.
        #expect(context.requests.map(\.2) == ["/7-1:1"])
    }

    @Test func aMessageToANonexistentAccountGetsServiceUnavailable() async throws {
        let context = TableRoutingContext()
        let pass = try await route("<message to='nobody@example.com' type='chat' id='m1'><body>?</body></message>", from: "romeo@example.com/orchard", in: context)
        #expect(pass.outbox.errorCondition(to: "romeo@example.com/orchard") == "service-unavailable")
        let reply = pass.outbox.stanzas(to: "romeo@example.com/orchard").first
        #expect(reply?[attribute: "from"] == "nobody@example.com" && reply?[attribute: "id"] == "m1")
    }

    @Test func aFullJIDWithoutSessionFallsBackToTheBareJIDForChat() async throws {
        let context = TableRoutingContext()
        context.bind("juliet@example.com/chamber", node: "c2s-3")
        let pass = try await route("<message to='juliet@example.com/gone' type='chat'><body>hi</body></message>", from: "romeo@example.com/orchard", in: context)
        #expect(pass.outbox.summary == ["c2s-3 juliet@example.com/chamber message chat"])
    }

    @Test func groupchatToAMissingResourceIsAnError() async throws {
        let context = TableRoutingContext()
        context.addAccount("juliet@example.com")
        let pass = try await route("<message to='juliet@example.com/gone' type='groupchat'><body>hi</body></message>", from: "romeo@example.com/orchard", in: context)
        #expect(pass.outbox.errorCondition(to: "romeo@example.com/orchard") == "service-unavailable")
    }

    @Test func headlineAndErrorToAMissingResourceAreDropped() async throws {
        let context = TableRoutingContext()
        context.addAccount("juliet@example.com")
        for type in ["headline", "error"] {
            let pass = try await route("<message to='juliet@example.com/gone' type='\(type)'/>", from: "romeo@example.com/orchard", in: context)
            #expect(pass.outbox.isEmpty, "\(type)")
        }
        #expect(context.offline("juliet@example.com").isEmpty)
    }

    @Test func anUndeliveredMessageSkipsTheGoneSessionAndIsStored() async throws {
        let context = TableRoutingContext()
        context.bind("juliet@example.com/balcony", node: "c2s-2")  // still in the registry, but gone
        let stanza = StanzaWire.decode("<message from='romeo@example.com/orchard' to='juliet@example.com/balcony' type='chat'><body>x</body></message>")!
        let entry = RouteEntry(id: "9-0", sender: try JID("romeo@example.com/orchard"), senderNode: "", stanza: stanza, undelivered: try JID("juliet@example.com/balcony"))
        var pass = RoutingPass(entry: entry, context: context)
        try await pass.route()
        #expect(pass.outbox.isEmpty)
        #expect(context.offline("juliet@example.com").count == 1)
    }

    @Test func anotherDomainIsRemoteServerNotFound() async throws {
        let context = TableRoutingContext()
        let pass = try await route("<message to='someone@elsewhere.org' type='chat'><body>hi</body></message>", from: "romeo@example.com/orchard", in: context)
        #expect(pass.outbox.errorCondition(to: "romeo@example.com/orchard") == "remote-server-not-found")
    }

    @Test func storageAwayKeepsTheMessageQueuedWithoutBouncing() async throws {
        let context = TableRoutingContext()
        context.addAccount("juliet@example.com")
        context.setStorageDown(true)
        let pass = try await route("<message to='juliet@example.com' type='chat'><body>later</body></message>", from: "romeo@example.com/orchard", in: context)
        #expect(pass.outbox.isEmpty)
        #expect(context.requests.count == 1)
    }

    @Test func anErrorIsNeverAnsweredWithAnError() async throws {
        let context = TableRoutingContext()
        let pass = try await route("<message to='nobody@elsewhere.org' type='error'/>", from: "romeo@example.com/orchard", in: context)
        #expect(pass.outbox.isEmpty)
    }
}
