import XMPPCore

extension StreamOpening {
    /// The client's header as the XML parser reported it.
    public init(_ header: XMLStreamHeader) {
        self.init(
            namespace: header.namespace, name: header.name, defaultNamespace: header.defaultNamespace,
            to: header[attribute: "to"], from: header[attribute: "from"], version: header[attribute: "version"],
            language: header[attribute: "xml:lang"])
    }
}

extension StreamReply {
    /// The opening tag of our stream (RFC 6120 §4.7), preceded by the XML declaration.
    public var text: String {
        var text = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'"
        text += " id='" + XMLEscaping.escaped(id, quote: true) + "'"
        text += " from='" + XMLEscaping.escaped(from, quote: true) + "'"
        if let to { text += " to='" + XMLEscaping.escaped(to, quote: true) + "'" }
        text += " version='1.0' xml:lang='" + XMLEscaping.escaped(language, quote: true) + "'>"
        return text
    }
}

extension StreamError {
    /// `<stream:error>…</stream:error></stream:stream>`: what a server writes before
    /// closing a stream with this error (RFC 6120 §4.9.1.1).
    public var closingText: String {
        element.serialized(in: .clientStream) + "</stream:stream>"
    }
}
