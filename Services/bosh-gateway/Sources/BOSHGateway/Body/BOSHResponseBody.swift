import XMPPCore

/// A `<body/>` wrapper the gateway sends (XEP-0124 §4): attributes in the order
/// given, then the payloads. Payloads keep their own namespaces, so each client
/// stanza carries `xmlns='jabber:client'` (XEP-0206 §6) and stream-level
/// elements use the `stream:` prefix declared on the wrapper.
public struct BOSHResponseBody: Sendable, Hashable {
    /// Unprefixed attributes, and `xmpp:`-prefixed ones (XEP-0206).
    public var attributes: [(name: String, value: String)]
    public var payloads: [XMLElement]

    public init(attributes: [(name: String, value: String)] = [], payloads: [XMLElement] = []) {
        self.attributes = attributes
        self.payloads = payloads
    }

    /// `<body type='terminate' condition='…'/>` (§17.2); `nil` for a normal end (§13).
    public static func terminate(_ condition: BOSHTerminalCondition?, payloads: [XMLElement] = []) -> BOSHResponseBody {
        var attributes: [(name: String, value: String)] = [("type", "terminate")]
        if let condition { attributes.append(("condition", condition.rawValue)) }
        return BOSHResponseBody(attributes: attributes, payloads: payloads)
    }

    public subscript(_ name: String) -> String? {
        attributes.first { $0.name == name }?.value
    }

    public var text: String {
        let usesStreams = payloads.contains { $0.namespace == BOSHNamespace.streams }
        let usesXBOSH = attributes.contains { $0.name.hasPrefix("xmpp:") }
        var text = "<body xmlns='" + BOSHNamespace.httpbind + "'"
        if usesStreams { text += " xmlns:stream='" + BOSHNamespace.streams + "'" }
        if usesXBOSH { text += " xmlns:xmpp='" + BOSHNamespace.xbosh + "'" }
        for attribute in attributes {
            text += " " + attribute.name + "='" + XMLEscaping.escaped(attribute.value, quote: true) + "'"
        }
        guard !payloads.isEmpty else { return text + "/>" }
        text += ">"
        let context = XMLElement.SerializationContext(
            defaultNamespace: BOSHNamespace.httpbind, prefixes: usesStreams ? [BOSHNamespace.streams: "stream"] : [:])
        for payload in payloads { payload.write(to: &text, context: context) }
        return text + "</body>"
    }

    public static func == (lhs: BOSHResponseBody, rhs: BOSHResponseBody) -> Bool {
        lhs.text == rhs.text
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(text)
    }
}
