import Cluster
import Gateway
import Testing
import XMPPCore

/// What a client's own stanzas change in its registry record.
@Suite("Session record tracking (RFC 6121 §2.1.6, §4; XEP-0191 §3.2)")
struct SessionPresenceTrackingTests {
    let record = SessionRecord(node: "c2s-1", session: "s1")

    func apply(_ text: String) -> SessionRecord? {
        SessionPresenceTracking.apply(StanzaWire.decode(text)!, to: record)
    }

    @Test func presenceMakesTheSessionAvailableOrNot() {
        let available = apply("<presence><priority>3</priority></presence>")
        #expect(available?.available == true && available?.priority == 3)
        #expect(apply("<presence type='unavailable'/>")?.available == false)
        #expect(apply("<presence to='juliet@example.com'/>") == nil)
    }

    @Test func aRosterGetMakesAnInterestedResource() {
        let updated = apply("<iq type='get' id='r'><query xmlns='jabber:iq:roster'/></iq>")
        #expect(updated?.interested == true && updated?.blocklist == false)
    }

    @Test func aBlockListGetMakesAResourceThatGetsBlockListPushes() {
        let updated = apply("<iq type='get' id='b'><blocklist xmlns='urn:xmpp:blocking'/></iq>")
        #expect(updated?.blocklist == true && updated?.interested == false)
        #expect(apply("<iq type='set' id='b'><block xmlns='urn:xmpp:blocking'><item jid='x@y'/></block></iq>") == nil)
        #expect(apply("<iq type='get' id='b' to='example.com'><blocklist xmlns='urn:xmpp:blocking'/></iq>") == nil)
        #expect(apply("<iq type='get' id='v'><query xmlns='jabber:iq:version'/></iq>") == nil)
    }

    @Test func aRecordWithoutTheBlocklistFieldReadsAsNotInterested() throws {
        let old = #"{"available":true,"interested":true,"node":"c2s-0","priority":0,"session":"x","since":1}"#
        #expect(SessionRecord(json: old)?.blocklist == false)
        var current = record
        current.blocklist = true
        #expect(SessionRecord(json: current.encoded())?.blocklist == true)
    }
}
