/// A stream-level error (RFC 6120 §4.9): sent as `<stream:error>` just before
/// the stream is closed.
public struct StreamError: Error, Sendable, Hashable {
    /// The defined stream error conditions (RFC 6120 §4.9.3). The raw value is
    /// the element name in the `urn:ietf:params:xml:ns:xmpp-streams` namespace.
    public enum Condition: String, Sendable, Hashable, CaseIterable {
        /// §4.9.3.1
        case badFormat = "bad-format"
        /// §4.9.3.2
        case badNamespacePrefix = "bad-namespace-prefix"
        /// §4.9.3.3
        case conflict = "conflict"
        /// §4.9.3.4
        case connectionTimeout = "connection-timeout"
        /// §4.9.3.5
        case hostGone = "host-gone"
        /// §4.9.3.6
        case hostUnknown = "host-unknown"
        /// §4.9.3.7
        case improperAddressing = "improper-addressing"
        /// §4.9.3.8
        case internalServerError = "internal-server-error"
        /// §4.9.3.9
        case invalidFrom = "invalid-from"
        /// §4.9.3.10
        case invalidNamespace = "invalid-namespace"
        /// §4.9.3.11
        case invalidXML = "invalid-xml"
        /// §4.9.3.12
        case notAuthorized = "not-authorized"
        /// §4.9.3.13
        case notWellFormed = "not-well-formed"
        /// §4.9.3.14
        case policyViolation = "policy-violation"
        /// §4.9.3.15
        case remoteConnectionFailed = "remote-connection-failed"
        /// §4.9.3.16
        case reset = "reset"
        /// §4.9.3.17
        case resourceConstraint = "resource-constraint"
        /// §4.9.3.18
        case restrictedXML = "restricted-xml"
        /// §4.9.3.19: the condition element's text is the host to reconnect to.
        case seeOtherHost = "see-other-host"
        /// §4.9.3.20
        case systemShutdown = "system-shutdown"
        /// §4.9.3.21
        case undefinedCondition = "undefined-condition"
        /// §4.9.3.22
        case unsupportedEncoding = "unsupported-encoding"
        /// §4.9.3.23
        case unsupportedFeature = "unsupported-feature"
        /// §4.9.3.24
        case unsupportedStanzaType = "unsupported-stanza-type"
        /// §4.9.3.25
        case unsupportedVersion = "unsupported-version"
    }

    /// The defined condition (RFC 6120 §4.9.2: exactly one is required).
    public var condition: Condition
    /// Descriptive text (RFC 6120 §4.9.2, `<text/>`), sent with `xml:lang='en'`.
    public var text: String?
    /// An application-specific condition element (RFC 6120 §4.9.4).
    public var applicationCondition: XMLElement?
    /// For `see-other-host` (RFC 6120 §4.9.3.19): the alternate host, possibly
    /// with a port (`host:port`, IPv6 in brackets), carried as the condition's text.
    public var otherHost: String?

    public init(
        _ condition: Condition, text: String? = nil, applicationCondition: XMLElement? = nil,
        otherHost: String? = nil
    ) {
        self.condition = condition
        self.text = text
        self.applicationCondition = applicationCondition
        self.otherHost = otherHost
    }

    /// `see-other-host` redirecting to `host` (RFC 6120 §4.9.3.19).
    public static func seeOtherHost(_ host: String, text: String? = nil) -> StreamError {
        StreamError(.seeOtherHost, text: text, otherHost: host)
    }

    /// The `<stream:error>` element (RFC 6120 §4.9.2):
    /// `<error xmlns=streams><condition xmlns=xmpp-streams/>[<text xml:lang='en'>…</text>][app]</error>`.
    public var element: XMLElement {
        var error = XMLElement(name: "error", namespace: XMPPNamespace.streams)
        var conditionElement = XMLElement(name: condition.rawValue, namespace: XMPPNamespace.streamErrors)
        if condition == .seeOtherHost, let otherHost {
            conditionElement.append(text: otherHost)
        }
        error.append(conditionElement)
        if let text {
            error.append(
                XMLElement(
                    name: "text", namespace: XMPPNamespace.streamErrors,
                    attributes: [XMLAttribute(name: "xml:lang", namespace: XMPPNamespace.xml, value: "en")],
                    children: [.text(text)]))
        }
        if let applicationCondition { error.append(applicationCondition) }
        return error
    }

    /// Parses a received `<stream:error>` (RFC 6120 §4.9.2). An unknown condition
    /// in the streams-error namespace is read as `undefined-condition`; an element
    /// without any condition, or that is not a stream error, gives `nil`.
    public init?(element: XMLElement) {
        guard element.name == "error", element.namespace == XMPPNamespace.streams else { return nil }
        var condition: Condition?
        var text: String?
        var otherHost: String?
        var application: XMLElement?
        for child in element.elements {
            if child.namespace == XMPPNamespace.streamErrors {
                if child.name == "text" {
                    text = child.text
                } else if condition == nil {
                    condition = Condition(rawValue: child.name) ?? .undefinedCondition
                    if condition == .seeOtherHost { otherHost = child.text }
                }
            } else if application == nil {
                application = child
            }
        }
        guard let condition else { return nil }
        self.init(condition, text: text, applicationCondition: application, otherHost: otherHost)
    }
}
