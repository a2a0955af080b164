import Testing
@testable import XMPPCore

@Suite("XML serialization")
struct XMLSerializationTests {
    @Test func escapesTextAndAttributes() {
        var message = XMLElement("message", namespace: "jabber:client", attributes: ["to": "a'b\"<c>&"])
        message.append(XMLElement(name: "body", namespace: "jabber:client", children: [.text("1 < 2 & 3 > 0")]))
        #expect(
            message.serialized(in: .clientStream)
                == "<message to='a&apos;b&quot;&lt;c&gt;&amp;'><body>1 &lt; 2 &amp; 3 &gt; 0</body></message>")
    }

    @Test func declaresNamespaceOnlyWhereItChanges() {
        var iq = XMLElement("iq", namespace: "jabber:client", attributes: ["type": "get", "id": "1"])
        iq.append(XMLElement(name: "ping", namespace: "urn:xmpp:ping"))
        #expect(iq.serialized(in: .clientStream) == "<iq type='get' id='1'><ping xmlns='urn:xmpp:ping'/></iq>")
        #expect(iq.serialized() == "<iq xmlns='jabber:client' type='get' id='1'><ping xmlns='urn:xmpp:ping'/></iq>")
    }

    @Test func usesDeclaredPrefixes() {
        let features = XMLElement(name: "features", namespace: "http://etherx.jabber.org/streams")
        #expect(features.serialized(in: .clientStream) == "<stream:features/>")
    }

    @Test func dropsCharactersXMLForbids() {
        let body = XMLElement(name: "body", namespace: "jabber:client", children: [.text("a\u{0}b\u{1B}c\u{FFFE}")])
        #expect(body.serialized(in: .clientStream) == "<body>abc</body>")
    }
}
