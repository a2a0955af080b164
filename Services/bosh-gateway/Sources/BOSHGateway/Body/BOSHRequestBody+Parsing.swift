import XMPPCore

extension BOSHRequestBody {
    /// Why a request's bytes are not a usable `<body/>`.
    public enum ParseError: Error, Sendable, Hashable {
        /// Not well-formed, restricted XML (DTD, entity, comment, PI), text
        /// directly inside the wrapper, not a complete `<body/>` in the httpbind
        /// namespace: `bad-request` (XEP-0124 §4, §17).
        case badRequest(String)
        /// A payload over `max_stanza_size` or nested too deep: `policy-violation`.
        case policyViolation(String)

        public var condition: BOSHTerminalCondition {
            switch self {
            case .badRequest: .badRequest
            case .policyViolation: .policyViolation
            }
        }
    }

    /// Parses a whole request body with the project's restricted XML parser:
    /// no DTD, no entity other than the predefined five, each payload bounded by
    /// `limits` exactly as a c2s stanza is.
    public static func parse(_ bytes: [UInt8], limits: XMLStreamParser.Limits) -> Result<BOSHRequestBody, ParseError> {
        let parser = XMLStreamParser(limits: limits)
        let events: [XMLStreamEvent]
        do {
            events = try parser.feed(bytes)
        } catch {
            if case .policyViolation(let text) = error { return .failure(.policyViolation(text)) }
            return .failure(.badRequest(error.text))
        }
        guard case .streamOpen(let header)? = events.first else { return .failure(.badRequest("no <body/> wrapper")) }
        guard header.name == "body", header.namespace == BOSHNamespace.httpbind else {
            return .failure(.badRequest("the wrapper must be <body xmlns='\(BOSHNamespace.httpbind)'/>"))
        }
        guard events.last == .streamClose else { return .failure(.badRequest("incomplete <body/>")) }
        var body = BOSHRequestBody(attributes: header.attributes)
        for event in events.dropFirst().dropLast() {
            guard case .stanza(let element) = event else { return .failure(.badRequest("unexpected content")) }
            body.payloads.append(Self.clientNamespaced(element))
        }
        return .success(body)
    }

    /// A payload that inherited the wrapper's namespace (the client left out
    /// `xmlns='jabber:client'`) is read as a client stanza, as XEP-0206 §6 means
    /// it; elements in any other namespace are left alone.
    static func clientNamespaced(_ element: XMLElement) -> XMLElement {
        guard element.namespace == BOSHNamespace.httpbind else { return element }
        var element = element
        element.namespace = BOSHNamespace.client
        element.children = element.children.map { child in
            if case .element(let inner) = child { return .element(clientNamespaced(inner)) }
            return child
        }
        return element
    }
}

extension BOSHRequestBody {
    /// The wrapper's attributes alone, from the beginning of a request that is
    /// too long or not well-formed — enough to learn which session it names.
    public static func wrapper(of bytes: [UInt8], limits: XMLStreamParser.Limits) -> BOSHRequestBody? {
        let parser = XMLStreamParser(limits: limits)
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + 256)
            guard let events = try? parser.feed(Array(bytes[offset..<end])) else { return nil }
            if case .streamOpen(let header)? = events.first {
                guard header.name == "body", header.namespace == BOSHNamespace.httpbind else { return nil }
                return BOSHRequestBody(attributes: header.attributes)
            }
            offset = end
        }
        return nil
    }
}
