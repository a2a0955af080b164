import XMPPCore

/// Builders for the elements of stream negotiation (RFC 6120 §4.3, §5, §6, §7).
public enum NegotiationElements {
    static let streams = "http://etherx.jabber.org/streams"
    static let tls = "urn:ietf:params:xml:ns:xmpp-tls"
    static let sasl = "urn:ietf:params:xml:ns:xmpp-sasl"
    static let bind = "urn:ietf:params:xml:ns:xmpp-bind"
    static let session = "urn:ietf:params:xml:ns:xmpp-session"
    static let rosterVersioning = "urn:xmpp:features:rosterver"
    public static let clientStateIndication = "urn:xmpp:csi:0"

    /// `<stream:features/>` with STARTTLS, SASL mechanisms or binding, as the phase allows.
    static func features(startTLS: StartTLSOffer, mechanisms: [String], bind: Bool, streamManagement: Bool = false) -> XMLElement {
        var features = XMLElement(name: "features", namespace: streams)
        switch startTLS {
        case .none:
            break
        case .optional:
            features.append(XMLElement(name: "starttls", namespace: tls))
        case .required:
            features.append(
                XMLElement(name: "starttls", namespace: tls, children: [.element(XMLElement(name: "required", namespace: tls))]))
        }
        if !mechanisms.isEmpty {
            features.append(
                XMLElement(
                    name: "mechanisms", namespace: sasl,
                    children: mechanisms.map {
                        .element(XMLElement(name: "mechanism", namespace: sasl, children: [.text($0)]))
                    }))
        }
        if bind {
            features.append(XMLElement(name: "bind", namespace: self.bind))
            // RFC 6121 left the session IQ out; old clients still send it (RFC 3921 §3).
            features.append(
                XMLElement(name: "session", namespace: session, children: [.element(XMLElement(name: "optional", namespace: session))]))
            // RFC 6121 §2.6.1 / XEP-0237: the roster carries a version.
            features.append(XMLElement(name: "ver", namespace: rosterVersioning))
            // XEP-0352 §3: clients may say whether a person is looking.
            features.append(XMLElement(name: "csi", namespace: clientStateIndication))
            // XEP-0198 §2: acknowledgements and resumption.
            if streamManagement { features.append(StreamManagementElements.feature) }
        }
        return features
    }

    enum StartTLSOffer { case none, optional, required }

    static let proceed = XMLElement(name: "proceed", namespace: tls)
    static let tlsFailure = XMLElement(name: "failure", namespace: tls)

    static func challenge(_ data: [UInt8]) -> XMLElement {
        XMLElement(name: "challenge", namespace: sasl, children: data.isEmpty ? [] : [.text(base64(data))])
    }

    static func success(_ data: [UInt8]) -> XMLElement {
        XMLElement(name: "success", namespace: sasl, children: data.isEmpty ? [] : [.text(base64(data))])
    }

    /// `<failure><condition/></failure>` (RFC 6120 §6.5).
    static func saslFailure(_ condition: String) -> XMLElement {
        XMLElement(name: "failure", namespace: sasl, children: [.element(XMLElement(name: condition, namespace: sasl))])
    }

    static func base64(_ data: [UInt8]) -> String {
        Base64.encode(data)
    }
}
