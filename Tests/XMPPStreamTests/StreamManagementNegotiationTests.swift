import Testing
import XMPPCore
@testable import XMPPStream

private let sm = StreamManagementElements.namespace
private let bindNS = "urn:ietf:params:xml:ns:xmpp-bind"

/// A negotiation past SASL, waiting for binding (or a resumption).
private func authenticated(streamManagement: Bool = true) -> ClientStreamNegotiation {
    var negotiation = ClientStreamNegotiation(
        configuration: .init(domains: ["example.com"], tlsAvailable: false, streamManagement: streamManagement), secured: true)
    negotiation.domain = "example.com"
    negotiation.authenticatedUser = "user"
    negotiation.state = .negotiating
    return negotiation
}

private func bound(streamManagement: Bool = true) -> ClientStreamNegotiation {
    var negotiation = authenticated(streamManagement: streamManagement)
    negotiation.state = .established
    return negotiation
}

private func element(_ name: String, _ attributes: KeyValuePairs<String, String> = [:]) -> XMLElement {
    XMLElement(name, namespace: sm, attributes: attributes)
}

private func failed(_ outputs: [ClientStreamNegotiation.Output]) -> String? {
    guard case .send(let failure)? = outputs.first, failure.name == "failed", failure.namespace == sm else { return nil }
    return failure.elements.first?.name
}

@Suite("XEP-0198 in the stream negotiation")
struct StreamManagementNegotiationTests {
    @Test func theFeatureIsOfferedAfterAuthenticationOnlyWhenConfigured() {
        let on = authenticated()
        #expect(on.features().firstChild(named: "sm", namespace: sm) != nil)
        var off = authenticated(streamManagement: false)
        #expect(off.features().firstChild(named: "sm", namespace: sm) == nil)
        // Without it, <resume/> is an unknown element.
        #expect(off.received(element("resume", ["previd": "x", "h": "0"])) == [.streamError(.unsupportedStanzaType, text: nil)])
    }

    @Test func resumeComesInsteadOfBindingAndWaitsForTheGateway() {
        var negotiation = authenticated()
        #expect(negotiation.received(element("resume", ["previd": "abc", "h": "7"])) == [.resumeStream(previd: "abc", handled: 7)])
        // Nothing else is read until the gateway answers.
        #expect(negotiation.received(XMLElement("message", namespace: "jabber:client", attributes: [:])) == [.streamError(.internalServerError, text: nil)])

        var resumed = authenticated()
        _ = resumed.received(element("resume", ["previd": "abc", "h": "7"]))
        resumed.resumeSucceeded(handledInbound: 41)
        #expect(resumed.streamManagementEnabled)
        let message = XMLElement("message", namespace: "jabber:client", attributes: ["to": "bob@example.com"])
        #expect(resumed.received(message) == [.route(message)])
        #expect(resumed.received(element("r")) == [.acknowledgementRequested(handled: 42)])
    }

    @Test func aFailedResumptionLeavesBindingOpen() {
        var negotiation = authenticated()
        _ = negotiation.received(element("resume", ["previd": "abc", "h": "7"]))
        let failure = StreamManagementElements.failed(.itemNotFound)
        #expect(negotiation.resumeFailed(failure) == [.send(failure)])
        let bind = XMLElement("iq", namespace: "jabber:client", attributes: ["type": "set", "id": "b"],
                              children: [.element(XMLElement(name: "bind", namespace: bindNS))])
        #expect(negotiation.received(bind) == [.bind(requestedResource: nil, iqID: "b")])
    }

    @Test func badResumeAndEarlyEnableAreAnsweredWithFailed() {
        var negotiation = authenticated()
        #expect(failed(negotiation.received(element("resume", ["previd": "abc", "h": "-1"]))) == "bad-request")
        #expect(failed(negotiation.received(element("resume", ["h": "1"]))) == "bad-request")
        // §3: enabling needs a bound resource.
        #expect(failed(negotiation.received(element("enable", ["resume": "true"]))) == "unexpected-request")
    }

    @Test func enableCountsTheClientsStanzasFromThenOn() {
        var negotiation = bound()
        let message = XMLElement("message", namespace: "jabber:client", attributes: ["to": "bob@example.com"])
        _ = negotiation.received(message)
        #expect(negotiation.received(element("enable", ["resume": "true", "max": "60"]))
            == [.enableStreamManagement(resume: true, requestedMaxSeconds: 60)])
        negotiation.streamManagementStarted()
        #expect(negotiation.received(element("r")) == [.acknowledgementRequested(handled: 0)])
        _ = negotiation.received(message)
        _ = negotiation.received(XMLElement("presence", namespace: "jabber:client", attributes: [:]))
        // Nonzas are not stanzas (§4).
        _ = negotiation.received(XMLElement(name: "inactive", namespace: "urn:xmpp:csi:0"))
        #expect(negotiation.received(element("r")) == [.acknowledgementRequested(handled: 2)])
        // A second <enable/> fails; <resume/> after binding too.
        #expect(failed(negotiation.received(element("enable"))) == "unexpected-request")
        #expect(failed(negotiation.received(element("resume", ["previd": "x", "h": "0"]))) == "unexpected-request")
    }

    @Test func theCounterWrapsAt2To32() {
        var negotiation = bound()
        negotiation.streamManagementStarted()
        negotiation.handledInbound = UInt32.max
        _ = negotiation.received(XMLElement("message", namespace: "jabber:client", attributes: [:]))
        #expect(negotiation.received(element("r")) == [.acknowledgementRequested(handled: 0)])
    }

    @Test func acknowledgementsAreParsedAndCheckedForACounter() {
        var negotiation = bound()
        // Before <enable/>, <r/> and <a/> are not expected.
        var early = negotiation
        #expect(early.received(element("r")) == [.streamError(.unsupportedStanzaType, text: "stream management is not enabled")])
        negotiation.streamManagementStarted()
        #expect(negotiation.received(element("a", ["h": "4294967295"])) == [.acknowledged(UInt32.max)])
        var broken = negotiation
        #expect(broken.received(element("a")) == [.streamError(.undefinedCondition, text: "<a/> needs a counter h")])
        #expect(negotiation.received(element("x")) == [.streamError(.unsupportedStanzaType, text: nil)])
    }

    @Test func elementsAreBuiltAsTheXEPShowsThem() {
        #expect(StreamManagementElements.enabled(id: "some-id", maxSeconds: 300).serialized(in: .clientStream)
            == "<enabled xmlns='urn:xmpp:sm:3' id='some-id' resume='true' max='300'/>")
        #expect(StreamManagementElements.enabled(id: nil, maxSeconds: nil).serialized(in: .clientStream)
            == "<enabled xmlns='urn:xmpp:sm:3'/>")
        #expect(StreamManagementElements.resumed(previd: "p", handled: 3).serialized(in: .clientStream)
            == "<resumed xmlns='urn:xmpp:sm:3' previd='p' h='3'/>")
        #expect(StreamManagementElements.failed(.undefinedCondition, handled: 2, sendCount: 5, clientHandled: 9).serialized(in: .clientStream)
            == "<failed xmlns='urn:xmpp:sm:3' h='2'><undefined-condition xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><handled-count-too-high h='9' send-count='5'/></failed>")
    }
}
