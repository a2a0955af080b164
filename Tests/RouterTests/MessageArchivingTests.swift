import Cluster
import ClusterIO
import Redis
import Testing
import XMPPCore
@testable import Router

/// XEP-0313 archiving and XEP-0359 stanza ids on the message path: what is
/// stamped and archived, that the archive request rides in the entry's own
/// commit, and the spoofed ids a sender cannot slip through.
@Suite("Archiving messages (XEP-0313, XEP-0359)")
struct MessageArchivingTests {
    let romeo = "romeo@example.com/orchard"
    let juliet = "juliet@example.com/balcony"

    func cluster() -> TableRoutingContext {
        let context = TableRoutingContext()
        context.bind(romeo, node: "c2s-1")
        context.bind(juliet, node: "c2s-2")
        return context
    }

    func stanzaIDs(_ message: XMLElement?) -> [String] {
        (message?.children(named: "stanza-id", namespace: XMPPNamespace.stanzaID) ?? []).map {
            "\($0[attribute: "by"] ?? "") \($0[attribute: "id"] ?? "")"
        }
    }

    /// What the pass archived, and the messages as archived.
    func appends(_ pass: RoutingPass) -> [ArchiveAppend] { pass.outbox.archived }

    func archivedMessage(_ append: ArchiveAppend?) -> XMLElement? { append.flatMap { StanzaWire.decode($0.xml) } }

    @Test func aChatMessageIsStampedForTheRecipientAndArchivedInTheSameCommit() async throws {
        let pass = try await route(
            "<message to='juliet@example.com' type='chat' id='m1'><body>hi</body></message>", from: romeo, in: cluster(),
            entryID: "1764150000000-4", partition: 7)
        let delivered = try #require(pass.outbox.stanzas(to: juliet).first)
        #expect(stanzaIDs(delivered) == ["juliet@example.com 1764150000000-4-7"])
        let append = try #require(appends(pass).first)
        #expect(appends(pass).count == 1)
        #expect(append.id.description == "1764150000000-4-7")
        #expect(append.sender.description == romeo && append.recipient.description == "juliet@example.com")
        // The archives keep the message as routed, without stanza ids.
        let archived = try #require(archivedMessage(append))
        #expect(stanzaIDs(archived).isEmpty)
        #expect(archived[attribute: "from"] == romeo && archived[attribute: "id"] == "m1")
    }

    @Test func aCommitQueuesItsArchivedMessagesAsOneRequestThatWantsNoReply() async throws {
        let context = cluster()
        let lookups = AccountLookups()
        var outboxes: [Outbox] = []
        for (n, body) in ["one", "two"].enumerated() {
            outboxes.append(try await route(
                "<message to='juliet@example.com' type='chat'><body>\(body)</body></message>", from: romeo, in: context,
                entryID: "7-\(n)", partition: 2, lookups: lookups).outbox)
        }
        outboxes.append(try await route("<presence/>", from: romeo, in: context, entryID: "7-2", lookups: lookups).outbox)
        let keys = ClusterKeys(prefix: "t:")
        let command = try #require(
            RouterWorker.archiveCommand(for: outboxes, stream: "t:route:{2}", ids: ["7-0", "7-1", "7-2"], keys: keys))
        let words = command.map { "\($0)" }
        #expect(Array(words.prefix(2)) == ["XADD", "t:storage:requests"])
        let fields = stride(from: 3, to: words.count - 1, by: 2).map { (words[$0], words[$0 + 1]) }
        let request = try StorageRequest(fields: fields)
        #expect(request.operation == .archiveAppend && !request.expectsReply && request.id == "t:route:{2}/7-0..7-2:archive")
        #expect(ArchiveAppend.messages(in: request.arguments)?.map(\.id.description) == ["7-0-2", "7-1-2"])
        // Nothing archived, no request.
        #expect(RouterWorker.archiveCommand(for: [outboxes[2]], stream: "t:route:{2}", ids: ["7-2"], keys: keys) == nil)
    }

    @Test func stanzaIDsClaimingEitherArchiveAreRemovedOthersKept() async throws {
        let spoof = """
            <message to='juliet@example.com/balcony' type='chat'><body>trust me</body>\
            <stanza-id xmlns='urn:xmpp:sid:0' by='juliet@example.com' id='forged'/>\
            <stanza-id xmlns='urn:xmpp:sid:0' by='romeo@example.com' id='forged-too'/>\
            <stanza-id xmlns='urn:xmpp:sid:0' by='room@muc.example.org' id='theirs'/></message>
            """
        let pass = try await route(spoof, from: romeo, in: cluster())
        #expect(stanzaIDs(pass.outbox.stanzas(to: juliet).first) == ["room@muc.example.org theirs", "juliet@example.com 1-0-0"])
        #expect(stanzaIDs(archivedMessage(appends(pass).first)) == ["room@muc.example.org theirs"])
        // Not archived (a headline), the forged ids still go.
        let headline = spoof.replacingOccurrences(of: "type='chat'", with: "type='headline'")
        let news = try await route(headline, from: romeo, in: cluster())
        #expect(stanzaIDs(news.outbox.stanzas(to: juliet).first) == ["room@muc.example.org theirs"])
        #expect(news.outbox.archived.isEmpty)
    }

    @Test func whatIsNotArchivedGetsNoStanzaID() async throws {
        for message in [
            "<message to='juliet@example.com' type='headline'><body>news</body></message>",
            "<message to='juliet@example.com/balcony' type='normal'><subject>no body</subject></message>",
            "<message to='juliet@example.com' type='chat'><body>x</body><no-store xmlns='urn:xmpp:hints'/></message>",
            "<message to='juliet@example.com' type='chat'><body>x</body><no-permanent-store xmlns='urn:xmpp:hints'/></message>",
        ] {
            let pass = try await route(message, from: romeo, in: cluster())
            #expect(pass.outbox.stanzas(to: juliet).count == 1, "\(message)")
            #expect(stanzaIDs(pass.outbox.stanzas(to: juliet).first).isEmpty, "\(message)")
            #expect(pass.outbox.archived.isEmpty, "\(message)")
        }
    }

    @Test func anOfflineMessageIsArchivedAndStoredWithItsStanzaID() async throws {
        let context = TableRoutingContext()
        context.bind(romeo, node: "c2s-1")
        context.addAccount("juliet@example.com")
        let pass = try await route("<message to='juliet@example.com' type='chat'><body>later</body></message>", from: romeo, in: context)
        let stored = try #require(context.offline("juliet@example.com").first.flatMap(StanzaWire.decode))
        #expect(stanzaIDs(stored) == ["juliet@example.com 1-0-0"])
        #expect(appends(pass).count == 1)
    }

    @Test func aRefusedMessageIsNotArchived() async throws {
        let context = cluster()
        // No such account: service-unavailable, nothing archived for the sender either.
        let unknown = try await route("<message to='nobody@example.com' type='chat'><body>?</body></message>", from: romeo, in: context)
        #expect(unknown.outbox.errorCondition(to: romeo) == "service-unavailable")
        #expect(unknown.outbox.archived.isEmpty)
        // Storage not answering keeps the offline request queued: accepted, archived.
        let away = TableRoutingContext()
        away.bind(romeo, node: "c2s-1")
        away.addAccount("juliet@example.com")
        away.setStorageDown(true)
        let queued = try await route("<message to='juliet@example.com' type='chat'><body>later</body></message>", from: romeo, in: away)
        #expect(queued.outbox.errorCondition(to: romeo) == nil)
        #expect(appends(queued).count == 1)
    }

    @Test func aMessageToOneselfIsArchivedOnce() async throws {
        let context = cluster()
        context.bind("romeo@example.com/home", node: "c2s-3")
        let pass = try await route("<message to='romeo@example.com/home' type='chat'><body>note</body></message>", from: romeo, in: context)
        #expect(stanzaIDs(pass.outbox.stanzas(to: "romeo@example.com/home").first) == ["romeo@example.com 1-0-0"])
        #expect(appends(pass).map(\.recipient.description) == ["romeo@example.com/home"])
    }

    @Test func carbonsCarryTheStanzaIDOfTheirOwnersArchive() async throws {
        let context = cluster()
        context.bind("romeo@example.com/home", node: "c2s-3", carbons: true)
        context.bind("juliet@example.com/chamber", node: "c2s-4", carbons: true)
        let pass = try await route(
            "<message to='juliet@example.com/balcony' type='chat'><body>hi</body></message>", from: romeo, in: context, entryID: "5-2",
            partition: 1)
        func forwarded(_ to: String, _ direction: String) -> XMLElement? {
            pass.outbox.stanzas(to: to).first?.firstChild(named: direction, namespace: XMPPNamespace.carbons)?
                .firstChild(named: "forwarded", namespace: XMPPNamespace.forward)?.firstChild(named: "message", namespace: XMPPNamespace.client)
        }
        // XEP-0313 §3.5: the sender's copy names the sender's archive, never the recipient's.
        #expect(stanzaIDs(forwarded("romeo@example.com/home", "sent")) == ["romeo@example.com 5-2-1"])
        #expect(stanzaIDs(forwarded("juliet@example.com/chamber", "received")) == ["juliet@example.com 5-2-1"])
    }

    @Test func aHandedBackMessageIsNeitherStampedNorArchivedAgain() async throws {
        let context = cluster()
        context.bind("juliet@example.com/chamber", node: "c2s-3")
        let stamped = StanzaWire.decode("""
            <message from='\(romeo)' to='\(juliet)' type='chat'><body>hi</body><stanza-id xmlns='urn:xmpp:sid:0' by='juliet@example.com' id='1-0-0'/></message>
            """)!
        var pass = RoutingPass(
            entry: RouteEntry(id: "9-0", sender: try JID(romeo), senderNode: "", stanza: stamped, undelivered: try JID(juliet)),
            context: context)
        try await pass.route()
        #expect(stanzaIDs(pass.outbox.stanzas(to: "juliet@example.com/chamber").first) == ["juliet@example.com 1-0-0"])
        #expect(pass.outbox.archived.isEmpty)
        // A query result whose session went away goes nowhere else.
        let result = StanzaWire.decode("""
            <message from='juliet@example.com' to='\(juliet)'><result xmlns='urn:xmpp:mam:2' id='1-0-0'/></message>
            """)!
        var lost = RoutingPass(
            entry: RouteEntry(id: "9-1", sender: try JID("juliet@example.com"), senderNode: "", stanza: result, undelivered: try JID(juliet)),
            context: context)
        try await lost.route()
        #expect(lost.outbox.isEmpty && lost.outbox.archived.isEmpty)
    }

    @Test func withArchivesOffNothingIsStampedOrArchived() async throws {
        let context = cluster()
        context.setArchiving(false)
        let pass = try await route("<message to='juliet@example.com' type='chat'><body>hi</body></message>", from: romeo, in: context)
        #expect(stanzaIDs(pass.outbox.stanzas(to: juliet).first).isEmpty)
        #expect(pass.outbox.archived.isEmpty)
    }
}
