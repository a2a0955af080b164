/// A stanza-level error (RFC 6120 §8.3): the `<error/>` child of a stanza of
/// type 'error'. Unlike a stream error it does not end the stream.
public struct StanzaError: Error, Sendable, Hashable, StanzaErrorConvertible {
    /// The error type (RFC 6120 §8.3.2): what the sender should do next.
    public enum ErrorType: String, Sendable, Hashable, CaseIterable {
        /// Retry after providing credentials.
        case auth
        /// Do not retry (the error cannot be remedied).
        case cancel
        /// Proceed (the condition was only a warning).
        case `continue`
        /// Retry after changing the data sent.
        case modify
        /// Retry after waiting (the error is temporary).
        case wait
    }

    /// The defined stanza error conditions (RFC 6120 §8.3.3). The raw value is
    /// the element name in the `urn:ietf:params:xml:ns:xmpp-stanzas` namespace.
    public enum Condition: String, Sendable, Hashable, CaseIterable {
        case badRequest = "bad-request"  // §8.3.3.1
        case conflict = "conflict"  // §8.3.3.2
        case featureNotImplemented = "feature-not-implemented"  // §8.3.3.3
        case forbidden = "forbidden"  // §8.3.3.4
        case gone = "gone"  // §8.3.3.5 (text: the new address)
        case internalServerError = "internal-server-error"  // §8.3.3.6
        case itemNotFound = "item-not-found"  // §8.3.3.7
        case jidMalformed = "jid-malformed"  // §8.3.3.8
        case notAcceptable = "not-acceptable"  // §8.3.3.9
        case notAllowed = "not-allowed"  // §8.3.3.10
        case notAuthorized = "not-authorized"  // §8.3.3.11
        case policyViolation = "policy-violation"  // §8.3.3.12
        case recipientUnavailable = "recipient-unavailable"  // §8.3.3.13
        case redirect = "redirect"  // §8.3.3.14 (text: the alternate address)
        case registrationRequired = "registration-required"  // §8.3.3.15
        case remoteServerNotFound = "remote-server-not-found"  // §8.3.3.16
        case remoteServerTimeout = "remote-server-timeout"  // §8.3.3.17
        case resourceConstraint = "resource-constraint"  // §8.3.3.18
        case serviceUnavailable = "service-unavailable"  // §8.3.3.19
        case subscriptionRequired = "subscription-required"  // §8.3.3.20
        case undefinedCondition = "undefined-condition"  // §8.3.3.21
        case unexpectedRequest = "unexpected-request"  // §8.3.3.22

        /// The error type RFC 6120 §8.3.3 gives for the condition ("the
        /// associated error type SHOULD be …", or the type in its example).
        public var defaultType: ErrorType {
            switch self {
            case .forbidden, .notAuthorized, .registrationRequired, .subscriptionRequired: .auth
            case .conflict, .featureNotImplemented, .gone, .internalServerError, .itemNotFound,
                .notAllowed, .remoteServerNotFound, .serviceUnavailable:
                .cancel
            case .badRequest, .jidMalformed, .notAcceptable, .policyViolation, .redirect,
                .undefinedCondition:
                .modify
            case .recipientUnavailable, .remoteServerTimeout, .resourceConstraint, .unexpectedRequest: .wait
            }
        }
    }

    /// What the sender should do (RFC 6120 §8.3.2, the 'type' attribute).
    public var type: ErrorType
    /// The defined condition (exactly one, RFC 6120 §8.3.2).
    public var condition: Condition
    /// Descriptive text (`<text xml:lang='en'>`), optional.
    public var text: String?
    /// An application-specific condition element (RFC 6120 §8.3.4).
    public var applicationCondition: XMLElement?
    /// For `gone` and `redirect`: the new or alternate address (an XMPP URI),
    /// carried as the condition element's text (RFC 6120 §8.3.3.5, §8.3.3.14).
    public var alternateAddress: String?
    /// The 'by' attribute: the entity that generated the error (RFC 6120 §8.3.2).
    public var by: String?

    public init(
        _ condition: Condition, type: ErrorType? = nil, text: String? = nil,
        applicationCondition: XMLElement? = nil, alternateAddress: String? = nil, by: String? = nil
    ) {
        self.condition = condition
        self.type = type ?? condition.defaultType
        self.text = text
        self.applicationCondition = applicationCondition
        self.alternateAddress = alternateAddress
        self.by = by
    }

    public var stanzaError: StanzaError { self }

    /// The `<error/>` element in the `jabber:client` namespace.
    public var element: XMLElement { element(in: XMPPNamespace.client) }

    /// The `<error type='…' [by='…']><condition xmlns=stanzas/>[<text/>][app]</error>`
    /// element (RFC 6120 §8.3.2) in the stanza namespace `namespace`.
    public func element(in namespace: String) -> XMLElement {
        var attributes: [XMLAttribute] = []
        if let by { attributes.append(XMLAttribute(name: "by", value: by)) }
        attributes.append(XMLAttribute(name: "type", value: type.rawValue))
        var error = XMLElement(name: "error", namespace: namespace, attributes: attributes)
        var conditionElement = XMLElement(name: condition.rawValue, namespace: XMPPNamespace.stanzas)
        if condition == .gone || condition == .redirect, let alternateAddress {
            conditionElement.append(text: alternateAddress)
        }
        error.append(conditionElement)
        if let text {
            error.append(
                XMLElement(
                    name: "text", namespace: XMPPNamespace.stanzas,
                    attributes: [XMLAttribute(name: "xml:lang", namespace: XMPPNamespace.xml, value: "en")],
                    children: [.text(text)]))
        }
        if let applicationCondition { error.append(applicationCondition) }
        return error
    }

    /// Parses an `<error/>` element, or the `<error/>` child of a stanza.
    /// An unknown condition in the stanzas namespace reads as
    /// `undefined-condition`; a missing or unknown 'type' takes the condition's
    /// default. `nil` when there is no condition element at all.
    public init?(element: XMLElement) {
        var error = element
        if element.name != "error" {
            guard let child = element.firstChild(named: "error", namespace: element.namespace) else { return nil }
            error = child
        }
        var condition: Condition?
        var text: String?
        var alternateAddress: String?
        var application: XMLElement?
        for child in error.elements {
            if child.namespace == XMPPNamespace.stanzas {
                if child.name == "text" {
                    text = child.text
                } else if condition == nil {
                    let parsed = Condition(rawValue: child.name) ?? .undefinedCondition
                    condition = parsed
                    if parsed == .gone || parsed == .redirect, !child.text.isEmpty { alternateAddress = child.text }
                }
            } else if application == nil {
                application = child
            }
        }
        guard let condition else { return nil }
        self.init(
            condition, type: error[attribute: "type"].flatMap(ErrorType.init(rawValue:)), text: text,
            applicationCondition: application, alternateAddress: alternateAddress, by: error[attribute: "by"])
    }
}
