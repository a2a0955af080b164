import Testing
@testable import XMPPCore

@Suite("Stanza views and error replies (RFC 6120 §8, RFC 6121)")
struct StanzaTests {
    static func stanza(_ name: String, _ attributes: KeyValuePairs<String, String>, namespace: String = "jabber:client")
        -> XMLElement
    {
        XMLElement(name, namespace: namespace, attributes: attributes)
    }

    @Test func kinds() {
        #expect(Self.stanza("message", [:]).stanzaKind == .message)
        #expect(Self.stanza("presence", [:], namespace: "jabber:server").stanzaKind == .presence)
        #expect(Self.stanza("iq", [:]).isStanza)
        #expect(!Self.stanza("iq", [:], namespace: "urn:xmpp:ping").isStanza)
        #expect(!Self.stanza("body", [:]).isStanza)
        #expect(XMLElement(name: "message").stanzaKind == nil)
    }

    @Test func addressesAndID() throws {
        var message = Self.stanza("message", ["to": "Juliet@Example.com/Balcony", "from": "not a jid@x", "id": "m1"])
        #expect(message.to == (try JID("juliet@example.com/Balcony")))
        #expect(message.from == nil)
        #expect(message.id == "m1")
        message.from = try JID("romeo@example.net/orchard")
        #expect(message[attribute: "from"] == "romeo@example.net/orchard")
        message.to = nil
        #expect(message[attribute: "to"] == nil)
        message.id = "m2"
        #expect(message.id == "m2")
    }

    @Test func messageTypes() {
        #expect(Self.stanza("message", [:]).messageType == .normal)
        #expect(Self.stanza("message", ["type": "chat"]).messageType == .chat)
        #expect(Self.stanza("message", ["type": "groupchat"]).messageType == .groupchat)
        #expect(Self.stanza("message", ["type": "headline"]).messageType == .headline)
        #expect(Self.stanza("message", ["type": "error"]).messageType == .error)
        #expect(Self.stanza("message", ["type": "whatever"]).messageType == .normal)
        #expect(Self.stanza("presence", [:]).messageType == nil)
    }

    @Test func presenceTypes() {
        #expect(Self.stanza("presence", [:]).presenceType == .available)
        for type in PresenceType.allCases where type != .available {
            #expect(Self.stanza("presence", ["type": type.rawValue]).presenceType == type)
        }
        #expect(Self.stanza("presence", ["type": "available"]).presenceType == nil)
        #expect(Self.stanza("presence", ["type": "invisible"]).presenceType == nil)
        #expect(Self.stanza("message", [:]).presenceType == nil)
    }

    @Test func iqTypes() {
        for type in IQType.allCases {
            #expect(Self.stanza("iq", ["type": type.rawValue]).iqType == type)
        }
        #expect(Self.stanza("iq", [:]).iqType == nil)
        #expect(Self.stanza("iq", ["type": "GET"]).iqType == nil)
        #expect(Self.stanza("message", ["type": "get"]).iqType == nil)
        #expect(IQType.get.isRequest && IQType.set.isRequest && !IQType.result.isRequest)
    }

    static func presence(priority: String) -> XMLElement {
        var presence = stanza("presence", [:])
        presence.append(XMLElement(name: "priority", namespace: "jabber:client", children: [.text(priority)]))
        return presence
    }

    @Test func priorityBounds() {
        #expect(Self.stanza("presence", [:]).priority == 0)
        #expect(Self.presence(priority: "5").priority == 5)
        #expect(Self.presence(priority: " 10\n").priority == 10)
        #expect(Self.presence(priority: "+3").priority == 3)
        #expect(Self.presence(priority: "127").priority == 127)
        #expect(Self.presence(priority: "-128").priority == -128)
        #expect(Self.presence(priority: "128").priority == nil)
        #expect(Self.presence(priority: "-129").priority == nil)
        #expect(Self.presence(priority: "1.5").priority == nil)
        #expect(Self.presence(priority: "high").priority == nil)
        #expect(Self.presence(priority: "").priority == nil)
        #expect(Self.stanza("message", [:]).priority == nil)
    }

    @Test func errorReplySwapsAddressesAndKeepsID() throws {
        var iq = Self.stanza(
            "iq", ["from": "romeo@example.net/orchard", "to": "juliet@example.com/balcony", "type": "get", "id": "p1"])
        iq.append(XMLElement(name: "ping", namespace: "urn:xmpp:ping"))
        let reply = try #require(iq.errorReply(StanzaError(.serviceUnavailable)))
        #expect(
            reply.serialized(in: .clientStream)
                == "<iq to='romeo@example.net/orchard' from='juliet@example.com/balcony' id='p1' type='error'>"
                + "<error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>"
                + "</iq>")
        #expect(reply.iqType == .error)
        #expect(StanzaError(element: reply)?.condition == .serviceUnavailable)

        let withPayload = try #require(iq.errorReply(StanzaError(.featureNotImplemented), includingPayload: true))
        #expect(withPayload.firstChild(named: "ping", namespace: "urn:xmpp:ping") != nil)
    }

    @Test func errorReplyWithoutAddressesAndInServerNamespace() throws {
        var message = Self.stanza("message", ["to": "a@b"], namespace: "jabber:server")
        message.append(XMLElement(name: "body", namespace: "jabber:server", children: [.text("hi")]))
        let reply = try #require(message.errorReply(JIDError.localpart(.empty).stanzaError))
        #expect(reply.namespace == "jabber:server")
        #expect(reply[attribute: "to"] == nil)
        #expect(reply[attribute: "from"] == "a@b")
        #expect(reply[attribute: "id"] == nil)
        #expect(reply.messageType == .error)
        #expect(reply.firstChild(named: "body") == nil)
        #expect(reply.firstChild(named: "error", namespace: "jabber:server")?[attribute: "type"] == "modify")
    }

    @Test func neverAnswersAnError() {
        for kind in StanzaKind.allCases {
            let stanza = Self.stanza(kind.rawValue, ["type": "error", "from": "a@b", "id": "x"])
            #expect(stanza.errorReply(StanzaError(.badRequest)) == nil)
        }
        #expect(XMLElement(name: "body", namespace: "jabber:client").errorReply(StanzaError(.badRequest)) == nil)
        #expect(Self.stanza("presence", [:]).errorReply(StanzaError(.badRequest)) != nil)
    }

    @Test func namespaces() {
        #expect(XMPPNamespace.streamErrors == "urn:ietf:params:xml:ns:xmpp-streams")
        #expect(XMPPNamespace.stanzas == "urn:ietf:params:xml:ns:xmpp-stanzas")
        #expect(XMPPNamespace.vcard == "vcard-temp")
        #expect(XMPPNamespace.privateXML == "jabber:iq:private")
        #expect(XMPPNamespace.bosh == "http://jabber.org/protocol/httpbind")
        #expect(XMPPNamespace.xbosh == "urn:xmpp:xbosh")
        #expect(XMPPNamespace.delay == "urn:xmpp:delay")
    }
}
