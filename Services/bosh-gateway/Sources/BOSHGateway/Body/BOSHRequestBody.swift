import XMPPCore

/// One client request's `<body/>` wrapper (XEP-0124 §4), parsed: its attributes
/// and its payloads. Attribute getters return `nil` for absent or unusable
/// values; deciding what a missing value means is the session's job.
public struct BOSHRequestBody: Sendable, Hashable {
    public var attributes: [XMLAttribute]
    /// The wrapper's children, in order, each in the `jabber:client` namespace
    /// (or its own).
    public var payloads: [XMLElement]

    public init(attributes: [XMLAttribute], payloads: [XMLElement] = []) {
        self.attributes = attributes
        self.payloads = payloads
    }

    /// An unprefixed attribute's value.
    public subscript(_ name: String) -> String? {
        attributes.first { $0.name == name && ($0.namespace == nil || $0.namespace == BOSHNamespace.httpbind) }?.value
    }

    /// An attribute in the XEP-0206 `urn:xmpp:xbosh` namespace, whatever its prefix.
    public subscript(xbosh name: String) -> String? {
        attributes.first { attribute in
            attribute.namespace == BOSHNamespace.xbosh && attribute.name.split(separator: ":").last.map(String.init) == name
        }?.value
    }

    /// §14.1: a positive integer below 2^53.
    public var rid: UInt64? {
        self["rid"].flatMap { UInt64($0) }.flatMap { $0 > 0 && $0 <= 9_007_199_254_740_991 ? $0 : nil }
    }

    public var sid: String? { self["sid"] }
    public var to: String? { self["to"] }
    public var from: String? { self["from"] }
    public var language: String? { attributes.first { $0.name == "xml:lang" }?.value }
    /// The highest BOSH version the client speaks (§7.1); absent for legacy clients.
    public var version: String? { self["ver"] }
    public var wait: String? { self["wait"] }
    public var hold: String? { self["hold"] }
    /// §7.1: the Content-Type every response of the session must carry.
    public var content: String? { self["content"] }
    /// On the creation request, `ack='1'` asks for acknowledgements (§9.1);
    /// later, the highest `rid` whose response the client has (§9.2).
    public var ack: String? { self["ack"] }
    /// §13: the client ends the session.
    public var isTerminate: Bool { self["type"] == "terminate" }
    /// §10: seconds the client asks to pause.
    public var pause: Int? { self["pause"].flatMap { Int($0) }.flatMap { $0 >= 0 ? $0 : nil } }
    /// XEP-0206 §4: the XMPP version; `1.0` when absent.
    public var xmppVersion: String { self[xbosh: "version"] ?? "1.0" }
    /// XEP-0206 §5: restart the stream (after SASL).
    public var isRestart: Bool { ["true", "1"].contains(self[xbosh: "restart"]) }
    /// A request without `sid` creates a session (§7.1).
    public var isCreation: Bool { sid == nil }
}
