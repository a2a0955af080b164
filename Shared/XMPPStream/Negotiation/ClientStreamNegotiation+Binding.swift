import XMPPCore

/// Resource binding (RFC 6120 §7), the legacy session IQ, and the established
/// stream.
extension ClientStreamNegotiation {
    mutating func negotiateBinding(_ element: XMLElement) -> [Output] {
        if element.namespace == StreamManagementElements.namespace, configuration.streamManagement {
            // XEP-0198 §5: resume instead of binding; §3: enabling needs a bound resource.
            if element.name == "resume" { return negotiateResumption(element) }
            if element.name == "enable" { return [.send(StreamManagementElements.failed(.unexpectedRequest))] }
        }
        guard Self.isStanza(element) else { return fail(.unsupportedStanzaType, nil) }
        guard element.name == "iq", let id = element[attribute: "id"],
            let bind = element.firstChild(named: "bind", namespace: NegotiationElements.bind)
        else {
            // RFC 6120 §7.1: no stanzas before a resource is bound.
            return fail(.notAuthorized, "bind a resource first")
        }
        guard element[attribute: "type"] == "set" else {
            return [.send(Self.iqError(id: id, type: "modify", condition: "bad-request"))]
        }
        let resource = bind.firstChild(named: "resource", namespace: NegotiationElements.bind)?.text
            .trimmingASCIIWhitespace()
        state = .binding(iqID: id)
        return [.bind(requestedResource: resource.flatMap { $0.isEmpty ? nil : $0 }, iqID: id)]
    }

    /// The gateway bound `fullJID`: answer the bind IQ (RFC 6120 §7.6.1).
    public mutating func bindSucceeded(fullJID: String) -> [Output] {
        guard case .binding(let id) = state else { return fail(.internalServerError, nil) }
        state = .established
        let jid = XMLElement(name: "jid", namespace: NegotiationElements.bind, children: [.text(fullJID)])
        let bind = XMLElement(name: "bind", namespace: NegotiationElements.bind, children: [.element(jid)])
        return [.send(XMLElement("iq", namespace: "jabber:client", attributes: ["type": "result", "id": id], children: [.element(bind)]))]
    }

    /// Binding failed with this stanza error (`resource-constraint`, `conflict`,
    /// `not-allowed` for a resource that fails RFC 7622, `wait` when the cluster
    /// cannot answer); the client may try again (RFC 6120 §7.6.2).
    public mutating func bindFailed(type: String, condition: String) -> [Output] {
        guard case .binding(let id) = state else { return fail(.internalServerError, nil) }
        state = .negotiating
        return [.send(Self.iqError(id: id, type: type, condition: condition))]
    }

    mutating func established(_ element: XMLElement) -> [Output] {
        if element.namespace == NegotiationElements.clientStateIndication, element.name == "active" || element.name == "inactive" {
            // XEP-0352 §4: top-level elements after binding, never answered.
            return [.clientState(active: element.name == "active")]
        }
        if element.namespace == StreamManagementElements.namespace { return managementElement(element) }
        guard Self.isStanza(element) else { return fail(.unsupportedStanzaType, nil) }
        countHandledStanza()
        if element.name == "iq", element[attribute: "type"] == "set", let id = element[attribute: "id"],
            element.firstChild(named: "session", namespace: NegotiationElements.session) != nil
        {
            // RFC 3921 §3 session establishment: kept as a no-op for old clients.
            return [.send(XMLElement("iq", namespace: "jabber:client", attributes: ["type": "result", "id": id]))]
        }
        if element.name == "iq", element.firstChild(named: "bind", namespace: NegotiationElements.bind) != nil,
            let id = element[attribute: "id"]
        {
            return [.send(Self.iqError(id: id, type: "cancel", condition: "not-allowed"))]
        }
        return [.route(element)]
    }

    static func iqError(id: String, type: String, condition: String) -> XMLElement {
        let condition = XMLElement(name: condition, namespace: "urn:ietf:params:xml:ns:xmpp-stanzas")
        let error = XMLElement("error", namespace: "jabber:client", attributes: ["type": type], children: [.element(condition)])
        return XMLElement("iq", namespace: "jabber:client", attributes: ["type": "error", "id": id], children: [.element(error)])
    }
}

extension ClientStreamNegotiation {
    /// The features for the current phase (RFC 6120 §4.3.2).
    func features() -> XMLElement {
        if authenticatedUser != nil {
            return NegotiationElements.features(
                startTLS: .none, mechanisms: [], bind: true, streamManagement: configuration.streamManagement)
        }
        if !isSecured && configuration.tlsAvailable {
            if configuration.tlsRequired {
                return NegotiationElements.features(startTLS: .required, mechanisms: [], bind: false)
            }
            return NegotiationElements.features(startTLS: .optional, mechanisms: offeredMechanisms, bind: false)
        }
        return NegotiationElements.features(startTLS: .none, mechanisms: offeredMechanisms, bind: false)
    }

    /// Ends the stream with an error; nothing more is read from it.
    mutating func fail(_ condition: StreamError.Condition, _ text: String?) -> [Output] {
        state = .closed
        return [.streamError(condition, text: text)]
    }

    static func isStanza(_ element: XMLElement) -> Bool {
        element.namespace == "jabber:client" && ["message", "presence", "iq"].contains(element.name)
    }

    /// RFC 7622 §3.2: domains compare lowercased, without a trailing dot.
    static func normaliseDomain(_ domain: String) -> String {
        var domain = domain.lowercased()
        if domain.hasSuffix(".") { domain.removeLast() }
        return domain
    }

    /// RFC 6120 §4.7.5: major version 1; a missing version means pre-1.0, which is
    /// not served.
    static func isSupportedVersion(_ version: String?) -> Bool {
        guard let version, let major = version.split(separator: ".").first, let number = Int(major) else { return false }
        return number == 1
    }
}
