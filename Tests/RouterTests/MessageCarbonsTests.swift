import Cluster
import Testing
import XMPPCore
@testable import Router

/// XEP-0280: which messages are copied, and to whom.
@Suite("Message carbons (XEP-0280)")
struct MessageCarbonsTests {
    @Test func eligibility() throws {
        let rows: [(String, Bool)] = [
            ("<message type='chat'><body>hi</body></message>", true),
            ("<message type='chat'><composing xmlns='http://jabber.org/protocol/chatstates'/></message>", true),
            ("<message><body>hi</body></message>", true),
            ("<message type='normal'><subject>no body</subject></message>", false),
            ("<message type='headline'><body>news</body></message>", false),
            ("<message type='groupchat'><body>room</body></message>", false),
            ("<message type='error'><body>x</body></message>", false),
            ("<message type='chat'><body>secret</body><private xmlns='urn:xmpp:carbons:2'/></message>", false),
            ("<message type='chat'><body>once</body><no-copy xmlns='urn:xmpp:hints'/></message>", false),
            ("<message type='chat'><received xmlns='urn:xmpp:carbons:2'/></message>", false),
        ]
        for (text, eligible) in rows {
            #expect(MessageCarbons.isEligible(StanzaWire.decode(text)!) == eligible, "\(text)")
        }
    }

    @Test func receivedCopiesGoToCarbonsResourcesThatDidNotGetTheMessage() async throws {
        let context = TableRoutingContext()
        context.bind("juliet@example.com/balcony", node: "c2s-2", carbons: true)
        context.bind("juliet@example.com/chamber", node: "c2s-3", carbons: true)
        context.bind("juliet@example.com/old", node: "c2s-3", carbons: false)
        let pass = try await route(
            "<message to='juliet@example.com/balcony' type='chat' id='m1'><body>hi</body></message>", from: "romeo@example.com/orchard",
            in: context)
        #expect(pass.outbox.summary == ["c2s-2 juliet@example.com/balcony message chat", "c2s-3 juliet@example.com/chamber message chat"])
        let copy = try #require(pass.outbox.stanzas(to: "juliet@example.com/chamber").first)
        #expect(copy[attribute: "from"] == "juliet@example.com")
        let forwarded = copy.firstChild(named: "received", namespace: XMPPNamespace.carbons)?
            .firstChild(named: "forwarded", namespace: XMPPNamespace.forward)?.firstChild(named: "message", namespace: XMPPNamespace.client)
        #expect(forwarded?[attribute: "from"] == "romeo@example.com/orchard")
        #expect(forwarded?[attribute: "to"] == "juliet@example.com/balcony")
        #expect(forwarded?[attribute: "id"] == "m1")
    }

    @Test func aBareMessageDeliveredToEveryResourceMakesNoCopies() async throws {
        let context = TableRoutingContext()
        context.bind("juliet@example.com/a", node: "c2s-2", carbons: true)
        context.bind("juliet@example.com/b", node: "c2s-3", carbons: true)
        let pass = try await route("<message to='juliet@example.com' type='chat'><body>hi</body></message>", from: "romeo@example.com/orchard", in: context)
        #expect(pass.outbox.summary == ["c2s-2 juliet@example.com/a message chat", "c2s-3 juliet@example.com/b message chat"])
        #expect(pass.outbox.stanzas(to: "juliet@example.com/a").allSatisfy { $0.elements.first?.name == "body" })
    }

    @Test func sentCopiesGoToTheSendersOtherCarbonsResources() async throws {
        let context = TableRoutingContext()
        context.bind("juliet@example.com/balcony", node: "c2s-2")
        context.bind("romeo@example.com/orchard", node: "c2s-1", carbons: true)
        context.bind("romeo@example.com/home", node: "c2s-4", carbons: true)
        context.bind("romeo@example.com/phone", node: "c2s-4", carbons: false)
        let pass = try await route(
            "<message to='juliet@example.com/balcony' type='chat'><body>hi</body></message>", from: "romeo@example.com/orchard", in: context)
        #expect(pass.outbox.summary == ["c2s-2 juliet@example.com/balcony message chat", "c2s-4 romeo@example.com/home message chat"])
        let copy = try #require(pass.outbox.stanzas(to: "romeo@example.com/home").first)
        #expect(copy[attribute: "from"] == "romeo@example.com")
        #expect(copy.firstChild(named: "sent", namespace: XMPPNamespace.carbons) != nil)
    }

    @Test func privateMessagesAndMessagesToOneselfAreNotCopied() async throws {
        let context = TableRoutingContext()
        context.bind("juliet@example.com/balcony", node: "c2s-2")
        context.bind("juliet@example.com/chamber", node: "c2s-3", carbons: true)
        context.bind("romeo@example.com/orchard", node: "c2s-1")
        context.bind("romeo@example.com/home", node: "c2s-4", carbons: true)
        let secret = try await route(
            "<message to='juliet@example.com/balcony' type='chat'><body>s</body><private xmlns='urn:xmpp:carbons:2'/></message>",
            from: "romeo@example.com/orchard", in: context)
        #expect(secret.outbox.summary == ["c2s-2 juliet@example.com/balcony message chat"])
        // §9: the recipient gets it without the <private/> meant for servers.
        let delivered = try #require(secret.outbox.stanzas(to: "juliet@example.com/balcony").first)
        #expect(delivered.firstChild(named: "private", namespace: XMPPNamespace.carbons) == nil)
        #expect(delivered.firstChild(named: "body", namespace: XMPPNamespace.client) != nil)
        let own = try await route(
            "<message to='romeo@example.com/home' type='chat'><body>note</body></message>", from: "romeo@example.com/orchard", in: context)
        #expect(own.outbox.summary == ["c2s-4 romeo@example.com/home message chat"])
    }

    @Test func anOfflineMessageIsStillCopiedToTheSender() async throws {
        let context = TableRoutingContext()
        context.addAccount("juliet@example.com")
        context.bind("romeo@example.com/orchard", node: "c2s-1")
        context.bind("romeo@example.com/home", node: "c2s-4", carbons: true)
        let pass = try await route("<message to='juliet@example.com' type='chat'><body>later</body></message>", from: "romeo@example.com/orchard", in: context)
        #expect(context.offline("juliet@example.com").count == 1)
        #expect(pass.outbox.summary == ["c2s-4 romeo@example.com/home message chat"])
    }
}
