import Testing
@testable import XMPPCore

/// XEP-0191: JID matching (§6), the command's syntax and errors (§3), and
/// what happens to a blocked stanza (§3.3).
@Suite("Blocking command (XEP-0191)")
struct BlockingTests {
    // MARK: Matching

    /// (item, address, blocked).
    static let matching: [(String, String, Bool)] = [
        // 1. user@domain/resource: only that resource.
        ("romeo@montague.net/orchard", "romeo@montague.net/orchard", true),
        ("romeo@montague.net/orchard", "romeo@montague.net/garden", false),
        ("romeo@montague.net/orchard", "romeo@montague.net", false),
        ("romeo@montague.net/orchard", "montague.net/orchard", false),
        // 2. user@domain: the bare JID and every resource.
        ("romeo@montague.net", "romeo@montague.net", true),
        ("romeo@montague.net", "romeo@montague.net/orchard", true),
        ("romeo@montague.net", "benvolio@montague.net/orchard", false),
        ("romeo@montague.net", "montague.net", false),
        // 3. domain/resource: that resource at the domain, of any user.
        ("montague.net/orchard", "montague.net/orchard", true),
        ("montague.net/orchard", "romeo@montague.net/orchard", true),
        ("montague.net/orchard", "romeo@montague.net/garden", false),
        ("montague.net/orchard", "montague.net", false),
        ("montague.net/orchard", "romeo@montague.net", false),
        // 4. domain: the domain and everything at it, not other domains or subdomains.
        ("montague.net", "montague.net", true),
        ("montague.net", "montague.net/orchard", true),
        ("montague.net", "romeo@montague.net", true),
        ("montague.net", "romeo@montague.net/orchard", true),
        ("montague.net", "romeo@capulet.lit", false),
        ("montague.net", "romeo@chat.montague.net", false),
        ("montague.net", "montague.net.evil", false),
        // Normalisation (RFC 7622): case-insensitive local and domain parts, resources exact.
        ("Romeo@MONTAGUE.net", "romeo@montague.net/Orchard", true),
        ("romeo@montague.net/Orchard", "romeo@montague.net/orchard", false),
    ]

    @Test(arguments: matching)
    func jidMatching(_ row: (String, String, Bool)) throws {
        let (item, address, blocked) = row
        let list = BlockList([try JID(item)])
        #expect(list.blocks(try JID(address)) == blocked, "\(item) blocks \(address)")
        // The same list, as read back from storage's normalised strings.
        #expect(BlockList(normalized: [try JID(item).description]).blocks(try JID(address)) == blocked)
    }

    @Test func anEmptyListBlocksNothing() throws {
        #expect(!BlockList.empty.blocks(try JID("romeo@montague.net/orchard")))
        #expect(BlockList.empty.isEmpty)
    }

    @Test func whichItemsMayBlockAnAccount() throws {
        let romeo = try JID("romeo@montague.net")
        #expect(BlockList([try JID("romeo@montague.net")]).mayBlock(someAddressOf: romeo))
        #expect(BlockList([try JID("romeo@montague.net/orchard")]).mayBlock(someAddressOf: romeo))
        #expect(BlockList([try JID("montague.net")]).mayBlock(someAddressOf: romeo))
        #expect(BlockList([try JID("montague.net/orchard")]).mayBlock(someAddressOf: romeo))
        #expect(!BlockList([try JID("romeo@capulet.lit")]).mayBlock(someAddressOf: romeo))
        #expect(!BlockList([try JID("romeo2@montague.net")]).mayBlock(someAddressOf: romeo))
        #expect(!BlockList([try JID("montague.network")]).mayBlock(someAddressOf: romeo))
    }

    // MARK: The command

    func command(_ type: IQType, _ xml: String) throws(StanzaError) -> BlockingCommand {
        try BlockingCommand(type: type, payload: try! XMLElement(parsing: xml))
    }

    func condition(_ type: IQType, _ xml: String) -> StanzaError.Condition? {
        do {
            _ = try command(type, xml)
            return nil
        } catch {
            return error.condition
        }
    }

    @Test func parsesTheThreeRequests() throws {
        #expect(try command(.get, "<blocklist xmlns='urn:xmpp:blocking'/>") == .retrieve)
        #expect(
            try command(.set, "<block xmlns='urn:xmpp:blocking'><item jid='Romeo@Montague.net'/><item jid='iago@shakespeare.lit'/><item jid='romeo@montague.net'/></block>")
                == .block([try JID("romeo@montague.net"), try JID("iago@shakespeare.lit")]))
        #expect(try command(.set, "<unblock xmlns='urn:xmpp:blocking'><item jid='montague.net/orchard'/></unblock>") == .unblock([try JID("montague.net/orchard")]))
        // §3.5: an empty unblock is "unblock every JID".
        #expect(try command(.set, "<unblock xmlns='urn:xmpp:blocking'/>") == .unblock([]))
    }

    @Test func refusesWhatTheXEPRefuses() {
        // §3.3: a block with no item is a bad request.
        #expect(condition(.set, "<block xmlns='urn:xmpp:blocking'/>") == .badRequest)
        // RFC 6120 §8.3.3.8: an address that is not a JID.
        #expect(condition(.set, "<block xmlns='urn:xmpp:blocking'><item jid='romeo@@montague.net'/></block>") == .jidMalformed)
        #expect(condition(.set, "<block xmlns='urn:xmpp:blocking'><item jid=''/></block>") == .jidMalformed)
        #expect(condition(.set, "<unblock xmlns='urn:xmpp:blocking'><item jid='a@b/'/></unblock>") == .jidMalformed)
        #expect(condition(.set, "<block xmlns='urn:xmpp:blocking'><item jid='\(String(repeating: "x", count: 1024))@example.org'/></block>") == .jidMalformed)
        // The schema requires the jid attribute.
        #expect(condition(.set, "<block xmlns='urn:xmpp:blocking'><item/></block>") == .badRequest)
        // Elements that do not go with the IQ's type.
        #expect(condition(.set, "<blocklist xmlns='urn:xmpp:blocking'/>") == .badRequest)
        #expect(condition(.get, "<block xmlns='urn:xmpp:blocking'><item jid='a@b'/></block>") == .badRequest)
        #expect(condition(.get, "<unknown xmlns='urn:xmpp:blocking'/>") == .badRequest)
        #expect(condition(.get, "<blocklist xmlns='urn:xmpp:blocking:other'/>") == .badRequest)
    }

    @Test func buildsResultAndPushPayloads() throws {
        let element = BlockingCommand.element("block", items: ["romeo@montague.net"])
        #expect(element.serialized() == "<block xmlns='urn:xmpp:blocking'><item jid='romeo@montague.net'/></block>")
        #expect(BlockingCommand.element("unblock", items: []).serialized() == "<unblock xmlns='urn:xmpp:blocking'/>")
    }

    // MARK: What happens to a blocked stanza

    /// (inbound: from a JID the addressee blocked; or outbound: to a JID the
    /// sender blocked, the stanza, what happens).
    static let handlingRows: [(Bool, String, String)] = [
        // Inbound: the user looks like an offline account.
        (true, "<message xmlns='jabber:client' type='chat'><body>hi</body></message>", "service-unavailable"),
        (true, "<message xmlns='jabber:client'><body>hi</body></message>", "service-unavailable"),
        (true, "<message xmlns='jabber:client' type='error'/>", "drop"),
        (true, "<iq xmlns='jabber:client' type='get' id='1'><query xmlns='jabber:iq:version'/></iq>", "service-unavailable"),
        (true, "<iq xmlns='jabber:client' type='set' id='1'><query xmlns='x'/></iq>", "service-unavailable"),
        (true, "<iq xmlns='jabber:client' type='result' id='1'/>", "drop"),
        (true, "<iq xmlns='jabber:client' type='error' id='1'/>", "drop"),
        (true, "<presence xmlns='jabber:client'/>", "drop"),
        (true, "<presence xmlns='jabber:client' type='subscribe'/>", "drop"),
        (true, "<presence xmlns='jabber:client' type='probe'/>", "drop"),
        // Outbound: refused as blocked, except what is never answered with an error.
        (false, "<message xmlns='jabber:client' type='chat'><body>hi</body></message>", "not-acceptable"),
        (false, "<presence xmlns='jabber:client'/>", "not-acceptable"),
        (false, "<presence xmlns='jabber:client' type='subscribe'/>", "not-acceptable"),
        (false, "<iq xmlns='jabber:client' type='get' id='1'><ping xmlns='urn:xmpp:ping'/></iq>", "not-acceptable"),
        (false, "<iq xmlns='jabber:client' type='result' id='1'/>", "drop"),
        (false, "<message xmlns='jabber:client' type='error'/>", "drop"),
        (false, "<presence xmlns='jabber:client' type='error'/>", "drop"),
    ]

    @Test(arguments: handlingRows)
    func blockedStanzaHandling(_ row: (Bool, String, String)) throws {
        let (inbound, xml, expected) = row
        let stanza = try XMLElement(parsing: xml)
        let outcome: String
        switch inbound ? BlockedStanzaHandling.inbound(stanza) : BlockedStanzaHandling.outbound(stanza) {
        case .drop: outcome = "drop"
        case .bounce(let error): outcome = error.condition.rawValue
        }
        #expect(outcome == expected, "\(inbound ? "inbound" : "outbound") \(xml)")
    }

    @Test func theBlockedErrorCarriesTheApplicationCondition() throws {
        let message = try XMLElement(parsing: "<message xmlns='jabber:client' from='juliet@capulet.com/balcony' to='romeo@montague.net' type='chat'/>")
        let reply = try #require(message.errorReply(.blocked))
        let error = try #require(reply.firstChild(named: "error", namespace: XMPPNamespace.client))
        #expect(error[attribute: "type"] == "cancel")
        #expect(error.firstChild(named: "not-acceptable", namespace: XMPPNamespace.stanzas) != nil)
        #expect(error.firstChild(named: "blocked", namespace: "urn:xmpp:blocking:errors") != nil)
        #expect(reply[attribute: "from"] == "romeo@montague.net" && reply[attribute: "to"] == "juliet@capulet.com/balcony")
    }
}
