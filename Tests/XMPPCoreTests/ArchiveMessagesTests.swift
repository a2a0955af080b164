import Testing
@testable import XMPPCore

/// What is archived (XEP-0313 §5.1.1), XEP-0359 stanza ids, and the
/// elements an archive query answers with (XEP-0313 §4.2, §4.3, §6).
@Suite("Archived messages and stanza ids (XEP-0313, XEP-0359)")
struct ArchiveMessagesTests {
    func message(_ xml: String) -> XMLElement {
        try! XMLElement(parsing: "<wrapper xmlns='jabber:client'>\(xml)</wrapper>").elements[0]
    }

    @Test func whatIsArchivable() {
        let rows: [(String, Bool)] = [
            ("<message type='chat'><body>hi</body></message>", true),
            ("<message type='chat'><composing xmlns='http://jabber.org/protocol/chatstates'/></message>", true),
            ("<message><body>hi</body></message>", true),
            ("<message type='normal'><subject>no body</subject></message>", false),
            ("<message type='headline'><body>news</body></message>", false),
            ("<message type='groupchat'><body>room</body></message>", false),
            ("<message type='error'><body>x</body></message>", false),
            ("<message type='chat'><body>x</body><no-store xmlns='urn:xmpp:hints'/></message>", false),
            ("<message type='chat'><body>x</body><no-permanent-store xmlns='urn:xmpp:hints'/></message>", false),
            ("<message type='chat'><body>x</body><no-copy xmlns='urn:xmpp:hints'/></message>", true),
            ("<message type='chat'><sent xmlns='urn:xmpp:carbons:2'/></message>", false),
            ("<message><result xmlns='urn:xmpp:mam:2' id='1'/><body>x</body></message>", false),
            ("<presence/>", false),
        ]
        for (xml, archivable) in rows {
            #expect(ArchivePolicy.isArchivable(message(xml)) == archivable, "\(xml)")
        }
        #expect(ArchivePolicy.isQueryResult(message("<message><result xmlns='urn:xmpp:mam:2' id='1'/></message>")))
    }

    @Test func stanzaIDsClaimingOurArchivesAreRemovedOthersKept() throws {
        let juliet = try JID("juliet@capulet.lit")
        let romeo = try JID("romeo@montague.lit")
        let spoofed = message("""
            <message type='chat'><body>hi</body><stanza-id xmlns='urn:xmpp:sid:0' by='Juliet@Capulet.lit' id='forged'/>\
            <stanza-id xmlns='urn:xmpp:sid:0' by='romeo@montague.lit' id='forged2'/>\
            <stanza-id xmlns='urn:xmpp:sid:0' by='room@muc.example' id='kept'/>\
            <stanza-id xmlns='urn:xmpp:sid:0' id='no-by'/><origin-id xmlns='urn:xmpp:sid:0' id='o1'/></message>
            """)
        let clean = StanzaID.removingClaims(of: [juliet, romeo], from: spoofed)
        #expect(clean.children(named: "stanza-id", namespace: StanzaID.namespace).map { $0[attribute: "id"] } == ["kept"])
        #expect(clean.firstChild(named: "origin-id", namespace: StanzaID.namespace) != nil)
        #expect(clean.firstChild(named: "body") != nil)
        let stamped = StanzaID.stamping(clean, by: juliet, id: "1764-0-3")
        #expect(StanzaID.id(in: stamped, by: juliet) == "1764-0-3")
        #expect(StanzaID.id(in: stamped, by: romeo) == nil)
        #expect(stamped.elements.last?.serialized() == "<stanza-id xmlns='urn:xmpp:sid:0' by='juliet@capulet.lit' id='1764-0-3'/>")
        // Nothing to remove: the message is returned as it was.
        let plain = message("<message type='chat'><body>hi</body></message>")
        #expect(StanzaID.removingClaims(of: [juliet], from: plain) == plain)
    }

    @Test func aResultWrapsTheMessageWithItsDelay() throws {
        let original = message("<message from='romeo@montague.lit/orchard' to='juliet@capulet.lit' type='chat' id='m1'><body>hi</body></message>")
        let archived = ArchivedMessage(id: "28482", stamp: 1_278_803_305_000, message: original)
        let result = archived.result(queryID: "f27", owner: try JID("juliet@capulet.lit/balcony"))
        #expect(result.serialized(in: .clientStream) == """
            <message from='juliet@capulet.lit'><result xmlns='urn:xmpp:mam:2' id='28482' queryid='f27'>\
            <forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2010-07-10T23:08:25.000Z'/>\
            <message xmlns='jabber:client' from='romeo@montague.lit/orchard' to='juliet@capulet.lit' type='chat' id='m1'>\
            <body>hi</body></message></forwarded></result></message>
            """)
        #expect(archived.result(queryID: nil, owner: try JID("juliet@capulet.lit")).firstChild(named: "result")?[attribute: "queryid"] == nil)
    }

    @Test func finAndMetadata() {
        let fin = ArchivedMessage.fin(page: ResultSetPage(first: "a", last: "b", firstIndex: 0, count: 20), complete: false)
        #expect(fin.serialized() == """
            <fin xmlns='urn:xmpp:mam:2' complete='false'><set xmlns='http://jabber.org/protocol/rsm'>\
            <first index='0'>a</first><last>b</last><count>20</count></set></fin>
            """)
        // XEP-0059 §2.7: an empty page says only how many there are.
        #expect(ArchivedMessage.fin(page: ResultSetPage(count: 0), complete: true).serialized() == """
            <fin xmlns='urn:xmpp:mam:2' complete='true'><set xmlns='http://jabber.org/protocol/rsm'><count>0</count></set></fin>
            """)
        let plain = message("<message/>")
        let metadata = ArchivedMessage.metadata(
            first: ArchivedMessage(id: "s", stamp: 0, message: plain), last: ArchivedMessage(id: "e", stamp: 1000, message: plain))
        #expect(metadata.serialized() == """
            <metadata xmlns='urn:xmpp:mam:2'><start id='s' timestamp='1970-01-01T00:00:00.000Z'/>\
            <end id='e' timestamp='1970-01-01T00:00:01.000Z'/></metadata>
            """)
        #expect(ArchivedMessage.metadata(first: nil, last: nil).serialized() == "<metadata xmlns='urn:xmpp:mam:2'/>")
    }
}
