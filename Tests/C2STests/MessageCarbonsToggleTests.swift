import Cluster
import Testing
import XMPPCore
import Gateway

/// XEP-0280 §4: the gateway recognises carbons toggles of the session's own account.
@Suite("Message carbons toggle (XEP-0280 §4)")
struct MessageCarbonsToggleTests {
    let sender = try! JID("romeo@example.com/garden")

    func iq(_ text: String) -> XMLElement { StanzaWire.decode(text)! }

    @Test func enableAndDisable() {
        #expect(MessageCarbonsToggle.requested(by: iq("<iq type='set' id='e'><enable xmlns='urn:xmpp:carbons:2'/></iq>"), sender: sender) == true)
        #expect(
            MessageCarbonsToggle.requested(
                by: iq("<iq type='set' id='d' to='romeo@example.com'><disable xmlns='urn:xmpp:carbons:2'/></iq>"), sender: sender) == false)
    }

    @Test func otherStanzasAreNotToggles() {
        let rows = [
            "<iq type='get' id='e'><enable xmlns='urn:xmpp:carbons:2'/></iq>",
            "<iq type='set'><enable xmlns='urn:xmpp:carbons:2'/></iq>",
            "<iq type='set' id='e' to='juliet@example.com'><enable xmlns='urn:xmpp:carbons:2'/></iq>",
            "<iq type='set' id='e'><enable xmlns='urn:xmpp:carbons:1'/></iq>",
            "<iq type='set' id='e'><private xmlns='urn:xmpp:carbons:2'/></iq>",
            "<message><enable xmlns='urn:xmpp:carbons:2'/></message>",
        ]
        for row in rows { #expect(MessageCarbonsToggle.requested(by: iq(row), sender: sender) == nil, "\(row)") }
    }

    @Test func theResultComesFromTheAccount() {
        let result = MessageCarbonsToggle.result(to: iq("<iq type='set' id='e1'><enable xmlns='urn:xmpp:carbons:2'/></iq>"), sender: sender)
        #expect(result.serialized(in: .clientStream) == "<iq from='romeo@example.com' to='romeo@example.com/garden' id='e1' type='result'/>")
    }

    @Test func oldRecordsReadWithoutCarbons() throws {
        let old = #"{"available":true,"interested":false,"node":"c2s-1","priority":0,"session":"s","since":1}"#
        #expect(SessionRecord(json: old)?.carbons == false)
        var record = try #require(SessionRecord(json: old))
        record.carbons = true
        #expect(SessionRecord(json: record.encoded())?.carbons == true)
    }
}
