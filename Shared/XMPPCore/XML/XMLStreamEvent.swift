/// What the streaming parser reports, in document order.
public enum XMLStreamEvent: Sendable, Hashable {
    /// The root `<stream:stream>` (or BOSH `<body>`) start tag.
    case streamOpen(XMLStreamHeader)
    /// A complete first-level child of the root: a stanza or a negotiation element.
    case stanza(XMLElement)
    /// The root's end tag.
    case streamClose
}

/// The root element's start tag: its name, namespace, the prefixes it declared and
/// its attributes. For `<stream:stream xmlns='jabber:client'
/// xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>`:
/// name `stream`, prefix `stream`, namespace the streams URI, default namespace
/// `jabber:client`.
public struct XMLStreamHeader: Sendable, Hashable {
    public var name: String
    public var prefix: String?
    public var namespace: String?
    /// The default namespace (`xmlns='…'`) declared on the root.
    public var defaultNamespace: String?
    /// Prefixes declared on the root (`xmlns:stream='…'`), prefix → URI.
    public var declaredPrefixes: [String: String]
    public var attributes: [XMLAttribute]

    public init(
        name: String, prefix: String? = nil, namespace: String? = nil, defaultNamespace: String? = nil,
        declaredPrefixes: [String: String] = [:], attributes: [XMLAttribute] = []
    ) {
        self.name = name
        self.prefix = prefix
        self.namespace = namespace
        self.defaultNamespace = defaultNamespace
        self.declaredPrefixes = declaredPrefixes
        self.attributes = attributes
    }

    /// The value of the attribute with this qualified name (`to`, `xml:lang`).
    public subscript(attribute name: String) -> String? {
        attributes.first { $0.name == name }?.value
    }
}
