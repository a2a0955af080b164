import Foundation
import Testing
import XMPPCore
@testable import XMPPStream

private let streamsNS = "http://etherx.jabber.org/streams"
private let saslNS = "urn:ietf:params:xml:ns:xmpp-sasl"
private let tlsNS = "urn:ietf:params:xml:ns:xmpp-tls"
private let bindNS = "urn:ietf:params:xml:ns:xmpp-bind"

private func opening(to: String? = "example.com", version: String? = "1.0", defaultNamespace: String? = "jabber:client", namespace: String? = streamsNS) -> StreamOpening {
    StreamOpening(namespace: namespace, defaultNamespace: defaultNamespace, to: to, version: version, language: "en")
}

private func configuration(tls: Bool = true, required: Bool = true, nonce: String = "3rfcNHYJY1ZVvWVs7j") -> ClientStreamNegotiation.Configuration {
    .init(domains: ["example.com"], tlsAvailable: tls, tlsRequired: required, makeNonce: { nonce })
}

private func sasl(_ name: String, mechanism: String? = nil, _ text: String = "") -> XMLElement {
    var element = XMLElement(name: name, namespace: saslNS, children: text.isEmpty ? [] : [.text(text)])
    if let mechanism { element[attribute: "mechanism"] = mechanism }
    return element
}

private func b64(_ string: String) -> String { Data(string.utf8).base64EncodedString() }

private func features(_ outputs: [ClientStreamNegotiation.Output]) -> XMLElement? {
    for case .send(let element) in outputs where element.name == "features" { return element }
    return nil
}

private func mechanisms(_ features: XMLElement?) -> [String] {
    features?.firstChild(named: "mechanisms", namespace: saslNS)?.elements.map(\.text) ?? []
}

@Suite("Client stream negotiation")
struct ClientStreamNegotiationTests {
    @Test func tlsRequiredOffersOnlyStartTLSThenMechanismsWithPLAIN() {
        var negotiation = ClientStreamNegotiation(configuration: configuration(), secured: false)
        let first = negotiation.streamOpened(opening(), streamID: "s1")
        #expect(first.first == .openStream(StreamReply(id: "s1", from: "example.com", to: nil, language: "en")))
        let offered = features(first)
        #expect(offered?.firstChild(named: "starttls", namespace: tlsNS)?.firstChild(named: "required") != nil)
        #expect(mechanisms(offered).isEmpty)

        let tls = negotiation.received(XMLElement(name: "starttls", namespace: tlsNS))
        #expect(tls == [.send(XMLElement(name: "proceed", namespace: tlsNS)), .startTLS, .restartStream])
        let second = negotiation.streamOpened(opening(), streamID: "s2")
        #expect(mechanisms(features(second)) == ["SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN"])
        #expect(features(second)?.firstChild(named: "starttls") == nil)
    }

    @Test func plainIsNeverOfferedOrAcceptedWithoutTLS() {
        var negotiation = ClientStreamNegotiation(configuration: configuration(tls: false, required: false), secured: false)
        #expect(mechanisms(features(negotiation.streamOpened(opening(), streamID: "s"))) == ["SCRAM-SHA-256", "SCRAM-SHA-1"])
        let outputs = negotiation.received(sasl("auth", mechanism: "PLAIN", b64("\0user\0pencil")))
        #expect(outputs == [.send(NegotiationElements.saslFailure("encryption-required"))])
    }

    @Test func authBeforeRequiredTLSIsEncryptionRequired() {
        var negotiation = ClientStreamNegotiation(configuration: configuration(), secured: false)
        _ = negotiation.streamOpened(opening(), streamID: "s")
        #expect(negotiation.received(sasl("auth", mechanism: "SCRAM-SHA-1", b64("n,,n=user,r=abc")))
            == [.send(NegotiationElements.saslFailure("encryption-required"))])
    }

    @Test func fullSCRAMExchangeThenBindThenRouting() throws {
        let vector = SCRAMVector.rfc5802
        var negotiation = ClientStreamNegotiation(configuration: configuration(nonce: vector.serverNonceSuffix), secured: true)
        _ = negotiation.streamOpened(opening(), streamID: "s1")
        #expect(negotiation.received(sasl("auth", mechanism: "SCRAM-SHA-1", b64("n,,n=user,r=\(vector.clientNonce)")))
            == [.lookUpCredentials(username: "user", hashFunction: .sha1)])
        let challenge = negotiation.credentialsReceived(try vector.credentials(), accountExists: true)
        #expect(challenge == [.send(sasl("challenge", b64("r=\(vector.nonce),s=\(vector.salt),i=4096")))])
        let success = negotiation.received(sasl("response", b64("c=biws,r=\(vector.nonce),p=\(vector.proof)")))
        #expect(success == [.send(sasl("success", b64("v=\(vector.serverSignature)"))), .authenticated(username: "user"), .restartStream])
        #expect(negotiation.authenticatedUser == "user")

        let afterAuth = features(negotiation.streamOpened(opening(), streamID: "s2"))
        #expect(afterAuth?.firstChild(named: "bind", namespace: bindNS) != nil)
        #expect(mechanisms(afterAuth).isEmpty)
        // RFC 6121 §2.6.1 and XEP-0352 §3 are advertised once authenticated.
        #expect(afterAuth?.firstChild(named: "ver", namespace: "urn:xmpp:features:rosterver") != nil)
        #expect(afterAuth?.firstChild(named: "csi", namespace: "urn:xmpp:csi:0") != nil)

        // Stanzas before binding end the stream.
        var early = negotiation
        #expect(early.received(XMLElement(name: "message", namespace: "jabber:client")) == [.streamError(.notAuthorized, text: "bind a resource first")])

        let resource = XMLElement(name: "resource", namespace: bindNS, children: [.text(" balcony ")])
        let bindIQ = XMLElement("iq", namespace: "jabber:client", attributes: ["type": "set", "id": "b1"],
                                children: [.element(XMLElement(name: "bind", namespace: bindNS, children: [.element(resource)]))])
        #expect(negotiation.received(bindIQ) == [.bind(requestedResource: "balcony", iqID: "b1")])
        let bound = negotiation.bindSucceeded(fullJID: "user@example.com/balcony")
        guard case .send(let result)? = bound.first else { Issue.record("no bind result"); return }
        #expect(result.serialized(in: .clientStream) == "<iq type='result' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>user@example.com/balcony</jid></bind></iq>")

        let session = XMLElement("iq", namespace: "jabber:client", attributes: ["type": "set", "id": "s"],
                                 children: [.element(XMLElement(name: "session", namespace: "urn:ietf:params:xml:ns:xmpp-session"))])
        #expect(negotiation.received(session) == [.send(XMLElement("iq", namespace: "jabber:client", attributes: ["type": "result", "id": "s"]))])
        let message = XMLElement("message", namespace: "jabber:client", attributes: ["to": "bob@example.com"])
        #expect(negotiation.received(message) == [.route(message)])
        // XEP-0352 §4: client state is a top-level element of the established stream.
        #expect(negotiation.received(XMLElement(name: "inactive", namespace: "urn:xmpp:csi:0")) == [.clientState(active: false)])
        #expect(negotiation.received(XMLElement(name: "active", namespace: "urn:xmpp:csi:0")) == [.clientState(active: true)])
        #expect(negotiation.received(XMLElement(name: "foo", namespace: "urn:example")) == [.streamError(.unsupportedStanzaType, text: nil)])
    }

    @Test func plainOverTLSWithEmptyInitialResponse() throws {
        var negotiation = ClientStreamNegotiation(configuration: configuration(), secured: true)
        _ = negotiation.streamOpened(opening(), streamID: "s")
        #expect(negotiation.received(sasl("auth", mechanism: "PLAIN")) == [.send(sasl("challenge"))])
        #expect(negotiation.received(sasl("response", b64("\0user\0pencil"))) == [.lookUpCredentials(username: "user", hashFunction: .sha256)])
        let outputs = negotiation.credentialsReceived(try SCRAMVector.rfc7677.credentials(), accountExists: true)
        #expect(outputs == [.send(sasl("success")), .authenticated(username: "user"), .restartStream])
    }

    @Test func plainWithForeignAuthzidIsRefused() throws {
        var negotiation = ClientStreamNegotiation(configuration: configuration(), secured: true)
        _ = negotiation.streamOpened(opening(), streamID: "s")
        _ = negotiation.received(sasl("auth", mechanism: "PLAIN", b64("admin@example.com\0user\0pencil")))
        let outputs = negotiation.credentialsReceived(try SCRAMVector.rfc7677.credentials(), accountExists: true)
        #expect(outputs == [.send(NegotiationElements.saslFailure("invalid-authzid"))])
        #expect(negotiation.authenticatedUser == nil)
    }

    @Test func repeatedFailuresCloseTheStream() throws {
        var negotiation = ClientStreamNegotiation(configuration: configuration(), secured: true)
        _ = negotiation.streamOpened(opening(), streamID: "s")
        let wrong = try SCRAMVector.rfc7677.credentials(password: "nope")
        for attempt in 1...3 {
            _ = negotiation.received(sasl("auth", mechanism: "PLAIN", b64("\0user\0pencil")))
            let outputs = negotiation.credentialsReceived(wrong, accountExists: true)
            #expect(outputs.first == .send(NegotiationElements.saslFailure("not-authorized")))
            #expect(outputs.contains(.streamError(.policyViolation, text: "too many failed authentication attempts")) == (attempt == 3))
        }
    }

    @Test func unavailableCredentialsAreATemporaryFailure() {
        var negotiation = ClientStreamNegotiation(configuration: configuration(), secured: true)
        _ = negotiation.streamOpened(opening(), streamID: "s")
        _ = negotiation.received(sasl("auth", mechanism: "SCRAM-SHA-256", b64("n,,n=user,r=abc")))
        #expect(negotiation.credentialsUnavailable() == [.send(NegotiationElements.saslFailure("temporary-auth-failure"))])
        // The client may try again on the same stream.
        #expect(negotiation.received(sasl("auth", mechanism: "SCRAM-SHA-256", b64("n,,n=user,r=abc"))) == [.lookUpCredentials(username: "user", hashFunction: .sha256)])
    }

    @Test func badInputToSASL() {
        var negotiation = ClientStreamNegotiation(configuration: configuration(), secured: true)
        _ = negotiation.streamOpened(opening(), streamID: "s")
        #expect(negotiation.received(sasl("auth", mechanism: "DIGEST-MD5")) == [.send(NegotiationElements.saslFailure("invalid-mechanism"))])
        #expect(negotiation.received(sasl("auth", mechanism: "SCRAM-SHA-1", "***")) == [.send(NegotiationElements.saslFailure("incorrect-encoding"))])
        #expect(negotiation.received(sasl("auth", mechanism: "SCRAM-SHA-1", b64("p=tls-unique,,n=u,r=a"))) == [.send(NegotiationElements.saslFailure("malformed-request"))])
        #expect(negotiation.received(sasl("abort")) == [.send(NegotiationElements.saslFailure("aborted"))])
    }

    @Test(arguments: [
        (opening(namespace: "urn:wrong"), StreamError.Condition.invalidNamespace),
        (opening(defaultNamespace: "jabber:server"), .invalidNamespace),
        (opening(version: nil), .unsupportedVersion),
        (opening(version: "2.0"), .unsupportedVersion),
        (opening(to: "other.org"), .hostUnknown),
        (opening(to: nil), .hostUnknown),
    ])
    func refusedHeadersGetAReplyHeaderThenTheError(_ header: StreamOpening, _ condition: StreamError.Condition) {
        var negotiation = ClientStreamNegotiation(configuration: configuration(), secured: false)
        let outputs = negotiation.streamOpened(header, streamID: "s")
        guard case .openStream = outputs.first, case .streamError(let got, _)? = outputs.last else {
            Issue.record("expected header then stream error, got \(outputs)")
            return
        }
        #expect(got == condition)
        #expect(outputs.count == 2)
    }

    @Test func domainIsMatchedCaseInsensitivelyAndMustNotChangeOnRestart() {
        var negotiation = ClientStreamNegotiation(configuration: configuration(), secured: false)
        #expect(features(negotiation.streamOpened(opening(to: "EXAMPLE.com."), streamID: "s")) != nil)
        _ = negotiation.received(XMLElement(name: "starttls", namespace: tlsNS))
        let other = ClientStreamNegotiation.Configuration(domains: ["example.com", "other.org"], tlsAvailable: true, makeNonce: { "n" })
        var two = ClientStreamNegotiation(configuration: other, secured: false)
        _ = two.streamOpened(opening(), streamID: "s")
        _ = two.received(XMLElement(name: "starttls", namespace: tlsNS))
        #expect(two.streamOpened(opening(to: "other.org"), streamID: "s2").last == .streamError(.hostUnknown, text: nil))
    }

    @Test func stanzasBeforeAuthenticationAreNotAuthorized() {
        var negotiation = ClientStreamNegotiation(configuration: configuration(), secured: true)
        _ = negotiation.streamOpened(opening(), streamID: "s")
        #expect(negotiation.received(XMLElement(name: "iq", namespace: "jabber:client")) == [.streamError(.notAuthorized, text: nil)])
    }

    @Test func startTLSTwiceFails() {
        var negotiation = ClientStreamNegotiation(configuration: configuration(), secured: true)
        _ = negotiation.streamOpened(opening(), streamID: "s")
        #expect(negotiation.received(XMLElement(name: "starttls", namespace: tlsNS)) == [.send(XMLElement(name: "failure", namespace: tlsNS)), .closeStream])
    }
}
