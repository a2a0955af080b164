import XMPPCore

/// Reads one text message of an XMPP WebSocket (RFC 7395 §3.3.3: each message
/// is exactly one complete XML element with its namespace declarations) with
/// the project's `XMLStreamParser`, under the same limits and XML
/// restrictions as a c2s stream (`max_stanza_size`, depth, no DTD, entity,
/// comment or processing instruction).
///
/// Each message is parsed as the only child of a wrapper whose default
/// namespace is `jabber:client`, so a stanza that leaves out `xmlns` reads as
/// a client stanza (as over BOSH), and anything that is not exactly one whole
/// element — nothing, two elements, an unclosed one, text — breaks the
/// wrapper and is refused. Pure: no I/O.
struct WebSocketMessageReader {
    static let wrapperOpen = "<ws xmlns='" + XMPPNamespace.client + "'>"
    static let wrapperClose = "</ws>"

    let limits: XMLStreamParser.Limits

    func read(_ bytes: some Collection<UInt8>) -> WebSocketInput {
        // RFC 6120 §11.1: a DTD is restricted XML, wherever it would start.
        if Self.startsWithDoctype(bytes) {
            return .streamError(.restrictedXML, text: "a DTD is not allowed")
        }
        let parser = XMLStreamParser(limits: limits)
        var events: [XMLStreamEvent] = []
        do {
            events += try parser.feed(Self.wrapperOpen)
            events += try parser.feed(Array(bytes))
            events += try parser.feed(Self.wrapperClose)
        } catch {
            return .streamError(StreamError.Condition(rawValue: error.conditionName) ?? .notWellFormed, text: error.text)
        }
        let elements = events.compactMap { event -> XMLElement? in
            if case .stanza(let element) = event { return element }
            return nil
        }
        guard elements.count == 1, let element = elements.first, events.last == .streamClose else {
            return .streamError(.notWellFormed, text: "a WebSocket message must hold exactly one XML element")
        }
        return Self.input(for: element)
    }

    /// The framing elements become stream events; everything else is a stanza.
    static func input(for element: XMLElement) -> WebSocketInput {
        let isFraming = element.namespace == XMPPFraming.namespace
        switch element.name {
        case "open" where isFraming:
            return .open(header(for: element))
        case "close" where isFraming:
            return .close
        case "open", "close":
            // RFC 6120 §4.9.3.10: the framing elements in any other namespace.
            return .streamError(.invalidNamespace, text: "<\(element.name)/> belongs to \(XMPPFraming.namespace)")
        default:
            return .stanza(element)
        }
    }

    /// `<open to=… version=… xml:lang=…/>` as the `<stream:stream>` header it
    /// stands for (RFC 7395 §3.4), for `ClientStreamNegotiation` to check.
    static func header(for open: XMLElement) -> XMLStreamHeader {
        XMLStreamHeader(
            name: "stream", prefix: "stream", namespace: XMPPNamespace.streams, defaultNamespace: XMPPNamespace.client,
            declaredPrefixes: ["stream": XMPPNamespace.streams], attributes: open.attributes)
    }

    private static func startsWithDoctype(_ bytes: some Collection<UInt8>) -> Bool {
        let start = bytes.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        return start.prefix(9).elementsEqual("<!DOCTYPE".utf8)
    }
}
