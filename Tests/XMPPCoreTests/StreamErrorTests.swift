import Testing
@testable import XMPPCore

@Suite("Stream errors (RFC 6120 §4.9)")
struct StreamErrorTests {
    static let streamErrorsNS = "urn:ietf:params:xml:ns:xmpp-streams"

    @Test(arguments: StreamError.Condition.allCases)
    func everyConditionSerializes(_ condition: StreamError.Condition) {
        #expect(
            StreamError(condition).element.serialized(in: .clientStream)
                == "<stream:error><\(condition.rawValue) xmlns='\(Self.streamErrorsNS)'/></stream:error>")
    }

    @Test func conditionNames() {
        #expect(StreamError.Condition.allCases.count == 25)
        let expected: [StreamError.Condition: String] = [
            .notWellFormed: "not-well-formed", .restrictedXML: "restricted-xml",
            .seeOtherHost: "see-other-host", .systemShutdown: "system-shutdown", .invalidFrom: "invalid-from",
            .hostUnknown: "host-unknown", .invalidNamespace: "invalid-namespace",
            .unsupportedVersion: "unsupported-version", .notAuthorized: "not-authorized",
            .unsupportedStanzaType: "unsupported-stanza-type", .policyViolation: "policy-violation",
            .internalServerError: "internal-server-error", .conflict: "conflict",
            .connectionTimeout: "connection-timeout", .resourceConstraint: "resource-constraint",
            .badFormat: "bad-format", .badNamespacePrefix: "bad-namespace-prefix", .hostGone: "host-gone",
            .improperAddressing: "improper-addressing", .invalidXML: "invalid-xml",
            .remoteConnectionFailed: "remote-connection-failed", .reset: "reset",
            .undefinedCondition: "undefined-condition", .unsupportedEncoding: "unsupported-encoding",
            .unsupportedFeature: "unsupported-feature",
        ]
        #expect(expected.count == 25)
        for (condition, name) in expected { #expect(condition.rawValue == name) }
    }

    @Test func textAndApplicationCondition() {
        let app = XMLElement(name: "escape-your-data", namespace: "application-ns")
        let error = StreamError(.conflict, text: "Replaced by new connection", applicationCondition: app)
        #expect(
            error.element.serialized(in: .clientStream)
                == "<stream:error><conflict xmlns='\(Self.streamErrorsNS)'/>"
                + "<text xmlns='\(Self.streamErrorsNS)' xml:lang='en'>Replaced by new connection</text>"
                + "<escape-your-data xmlns='application-ns'/></stream:error>")
    }

    @Test func seeOtherHostCarriesTheHost() {
        #expect(
            StreamError.seeOtherHost("[2001:41D0:1:A49b::1]:9222").element.serialized(in: .clientStream)
                == "<stream:error><see-other-host xmlns='\(Self.streamErrorsNS)'>"
                + "[2001:41D0:1:A49b::1]:9222</see-other-host></stream:error>")
        // The host is only written for see-other-host.
        #expect(
            StreamError(.reset, otherHost: "x").element.serialized(in: .clientStream)
                == "<stream:error><reset xmlns='\(Self.streamErrorsNS)'/></stream:error>")
    }

    @Test func parsesWhatItBuilds() {
        let app = XMLElement(name: "x", namespace: "app")
        for error in [
            StreamError(.hostUnknown), StreamError(.policyViolation, text: "too fast", applicationCondition: app),
            StreamError.seeOtherHost("other.example:5222"),
        ] {
            #expect(StreamError(element: error.element) == error)
        }
        var unknown = XMLElement(name: "error", namespace: XMPPNamespace.streams)
        unknown.append(XMLElement(name: "brand-new", namespace: Self.streamErrorsNS))
        #expect(StreamError(element: unknown)?.condition == .undefinedCondition)
        #expect(StreamError(element: XMLElement(name: "error", namespace: XMPPNamespace.streams)) == nil)
        #expect(StreamError(element: XMLElement(name: "features", namespace: XMPPNamespace.streams)) == nil)
    }
}
