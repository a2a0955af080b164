import Testing
@testable import XMPPCore

@Suite("Stanza errors (RFC 6120 §8.3)")
struct StanzaErrorTests {
    static let stanzasNS = "urn:ietf:params:xml:ns:xmpp-stanzas"

    /// RFC 6120 §8.3.3: every condition and the error type it SHOULD carry.
    static let defaultTypes: [StanzaError.Condition: StanzaError.ErrorType] = [
        .badRequest: .modify, .conflict: .cancel, .featureNotImplemented: .cancel, .forbidden: .auth,
        .gone: .cancel, .internalServerError: .cancel, .itemNotFound: .cancel, .jidMalformed: .modify,
        .notAcceptable: .modify, .notAllowed: .cancel, .notAuthorized: .auth, .policyViolation: .modify,
        .recipientUnavailable: .wait, .redirect: .modify, .registrationRequired: .auth,
        .remoteServerNotFound: .cancel, .remoteServerTimeout: .wait, .resourceConstraint: .wait,
        .serviceUnavailable: .cancel, .subscriptionRequired: .auth, .undefinedCondition: .modify,
        .unexpectedRequest: .wait,
    ]

    @Test func everyConditionHasItsDefaultType() {
        #expect(StanzaError.Condition.allCases.count == 22)
        #expect(Self.defaultTypes.count == 22)
        for condition in StanzaError.Condition.allCases {
            #expect(condition.defaultType == Self.defaultTypes[condition], "\(condition)")
            #expect(StanzaError(condition).type == Self.defaultTypes[condition])
        }
    }

    @Test(arguments: StanzaError.Condition.allCases)
    func everyConditionSerializes(_ condition: StanzaError.Condition) {
        let type = condition.defaultType.rawValue
        #expect(
            StanzaError(condition).element.serialized(in: .clientStream)
                == "<error type='\(type)'><\(condition.rawValue) xmlns='\(Self.stanzasNS)'/></error>")
    }

    @Test func explicitTypeTextAppAndBy() {
        let app = XMLElement(name: "too-many-subscriptions", namespace: "http://jabber.org/protocol/pubsub#errors")
        let error = StanzaError(
            .policyViolation, type: .wait, text: "Slow down", applicationCondition: app, by: "example.net")
        #expect(
            error.element.serialized(in: .clientStream)
                == "<error by='example.net' type='wait'><policy-violation xmlns='\(Self.stanzasNS)'/>"
                + "<text xmlns='\(Self.stanzasNS)' xml:lang='en'>Slow down</text>"
                + "<too-many-subscriptions xmlns='http://jabber.org/protocol/pubsub#errors'/></error>")
    }

    @Test func goneAndRedirectCarryTheAddress() {
        #expect(
            StanzaError(.redirect, alternateAddress: "xmpp:characters@conference.example.org").element
                .serialized(in: .clientStream)
                == "<error type='modify'><redirect xmlns='\(Self.stanzasNS)'>"
                + "xmpp:characters@conference.example.org</redirect></error>")
        #expect(
            StanzaError(.gone, alternateAddress: "xmpp:new@example.org").element.serialized(in: .clientStream)
                == "<error type='cancel'><gone xmlns='\(Self.stanzasNS)'>xmpp:new@example.org</gone></error>")
    }

    @Test func parsesWhatItBuilds() {
        let app = XMLElement(name: "x", namespace: "app")
        for error in [
            StanzaError(.itemNotFound), StanzaError(.badRequest, type: .cancel, text: "no", applicationCondition: app),
            StanzaError(.redirect, alternateAddress: "xmpp:a@b"), StanzaError(.forbidden, by: "b"),
        ] {
            #expect(StanzaError(element: error.element) == error)
        }
    }

    @Test func parsesFromAStanzaAndToleratesUnknowns() {
        var iq = XMLElement("iq", namespace: XMPPNamespace.client, attributes: ["type": "error", "id": "1"])
        var error = XMLElement("error", namespace: XMPPNamespace.client, attributes: ["type": "bogus"])
        error.append(XMLElement(name: "something-new", namespace: Self.stanzasNS))
        iq.append(error)
        let parsed = StanzaError(element: iq)
        #expect(parsed?.condition == .undefinedCondition)
        #expect(parsed?.type == StanzaError.Condition.undefinedCondition.defaultType)
        #expect(StanzaError(element: XMLElement(name: "error", namespace: XMPPNamespace.client)) == nil)
        #expect(StanzaError(element: XMLElement(name: "iq", namespace: XMPPNamespace.client)) == nil)
    }
}
