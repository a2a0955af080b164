import XMPPCore

/// The framing elements of XMPP over WebSocket (RFC 7395 §3.3.2): `<open/>`
/// and `<close/>` in `urn:ietf:params:xml:ns:xmpp-framing` stand where a TCP
/// stream has its `<stream:stream>` header and closing tag.
enum XMPPFraming {
    static let namespace = "urn:ietf:params:xml:ns:xmpp-framing"
    /// The WebSocket subprotocol name (RFC 7395 §3.1, §6).
    static let subprotocol = "xmpp"

    /// `<open/>` answering the client's (RFC 7395 §3.4): the facts of the
    /// stream header the `ClientSession` wrote, as attributes.
    static func open(_ header: XMLStreamHeader) -> String {
        var text = "<open xmlns='" + namespace + "'"
        for name in ["id", "from", "to", "version", "xml:lang"] {
            guard let value = header[attribute: name] else { continue }
            text += " " + name + "='" + XMLEscaping.escaped(value, quote: true) + "'"
        }
        return text + "/>"
    }

    /// `<close/>` (RFC 7395 §3.6).
    static let close = "<close xmlns='" + namespace + "'/>"

    /// An element from the session's stream as one self-contained message
    /// (RFC 7395 §3.3.3: each carries its namespace declarations). Stream-level
    /// elements keep the `stream:` prefix and declare it, as the RFC's examples
    /// of `<stream:features/>` and `<stream:error/>` do.
    static func message(_ element: XMLElement) -> String {
        guard element.namespace == XMPPNamespace.streams else { return element.serialized() }
        let context = XMLElement.SerializationContext(prefixes: [XMPPNamespace.streams: "stream"])
        var text = element.serialized(in: context)
        // `<stream:name` is followed by the declaration the context left out.
        let head = "<stream:" + element.name
        text.insert(contentsOf: " xmlns:stream='" + XMPPNamespace.streams + "'", at: text.index(text.startIndex, offsetBy: head.count))
        return text
    }

    /// `<stream:error/>` with this condition, as one message.
    static func streamError(_ condition: StreamError.Condition, text: String? = nil) -> String {
        message(StreamError(condition, text: text).element)
    }
}
