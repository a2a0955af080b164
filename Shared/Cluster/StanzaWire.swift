import XMPPCore

/// How a stanza travels in a Redis stream field: serialized as it would appear
/// inside a client stream (`jabber:client` as the default namespace, so the top
/// element carries no `xmlns`), and read back with the same restricted parser
/// that reads clients.
public enum StanzaWire {
    static let header =
        "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"

    public static func encode(_ stanza: XMLElement) -> String {
        stanza.serialized(in: .clientStream)
    }

    /// The one stanza in `text`, or `nil` if it is not exactly one well-formed element.
    public static func decode(_ text: String) -> XMLElement? {
        let parser = XMLStreamParser(limits: .init(maxStanzaSize: 1 << 24, maxDepth: 64))
        guard let events = try? parser.feed(header + text) else { return nil }
        var stanzas: [XMLElement] = []
        for case .stanza(let element) in events { stanzas.append(element) }
        return stanzas.count == 1 ? stanzas[0] : nil
    }
}
