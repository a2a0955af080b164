import XMPPCore

/// The facts of a client's stream header the negotiation checks (RFC 6120 §4.7).
public struct StreamOpening: Sendable, Hashable {
    /// Namespace of the root element; must be `http://etherx.jabber.org/streams`.
    public var namespace: String?
    /// Local name of the root element; must be `stream`.
    public var name: String
    /// The default namespace declared on the root; must be `jabber:client`.
    public var defaultNamespace: String?
    public var to: String?
    public var from: String?
    public var version: String?
    public var language: String?

    public init(
        namespace: String?, name: String = "stream", defaultNamespace: String?, to: String? = nil,
        from: String? = nil, version: String? = nil, language: String? = nil
    ) {
        self.namespace = namespace
        self.name = name
        self.defaultNamespace = defaultNamespace
        self.to = to
        self.from = from
        self.version = version
        self.language = language
    }
}

/// The server's answer header: the gateway serializes it as
/// `<stream:stream … id='…' from='…' version='1.0' xml:lang='…'>`.
public struct StreamReply: Sendable, Hashable {
    public var id: String
    public var from: String
    public var to: String?
    public var language: String

    public init(id: String, from: String, to: String?, language: String) {
        self.id = id
        self.from = from
        self.to = to
        self.language = language
    }
}
