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

    /// Found by `scripts/fuzz-xml`: a prefixed attribute lost its prefix's declaration.
    @Test func declaresPrefixesOfNamespacedAttributes() {
        let element = XMLElement(
            name: "y", namespace: "urn:x", attributes: [XMLAttribute(name: "x:a", namespace: "urn:x", value: "1")])
        #expect(element.serialized(in: .clientStream) == "<x:y xmlns:x='urn:x' x:a='1'/>")
    }

    @Test func rebindingAPrefixHidesItsOldNamespace() {
        // `stream:` is bound to the streams namespace in a client stream; an attribute
        // that rebinds it must not leave a child of the streams namespace wrongly prefixed.
        var outer = XMLElement(
            name: "x", namespace: "urn:a", attributes: [XMLAttribute(name: "stream:a", namespace: "urn:b", value: "1")])
        outer.append(XMLElement(name: "features", namespace: "http://etherx.jabber.org/streams"))
        #expect(
            outer.serialized(in: .clientStream)
                == "<x xmlns='urn:a' xmlns:stream='urn:b' stream:a='1'><features xmlns='http://etherx.jabber.org/streams'/></x>")
    }

    @Test(arguments: [
        "<message><y xmlns:x='urn:x' x:a='1' xmlns='urn:x'>&#x1F600;</y></message>",
        "<message xmlns:p='urn:p'><p:q p:r='s'><t p:u='v' xml:lang='en'/></p:q></message>",
        "<iq type='get' id='1'><x xmlns='urn:a' xmlns:stream='urn:b' stream:a='1'><stream:features xmlns:stream='http://etherx.jabber.org/streams'/></x></iq>",
    ])
    func parsedStanzasRoundTrip(_ stanza: String) throws {
        let header = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>"
        let original = try Self.onlyStanza(header + stanza)
        let again = try Self.onlyStanza(header + original.serialized(in: .clientStream))
        #expect(again == original)
    }

    static func onlyStanza(_ text: String) throws -> XMLElement {
        let stanzas = try XMLStreamParser().feed(text).compactMap { event -> XMLElement? in
            if case .stanza(let element) = event { return element }
            return nil
        }
        try #require(stanzas.count == 1)
        return stanzas[0]
    }
}
