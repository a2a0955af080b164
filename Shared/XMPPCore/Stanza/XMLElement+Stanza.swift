/// Typed views of stanza attributes and children (RFC 6120 §8, RFC 6121).
extension XMLElement {
    /// Whether the element is a message, presence or iq in the `jabber:client`
    /// or `jabber:server` namespace (RFC 6120 §8, §4.8.3).
    public var isStanza: Bool { stanzaKind != nil }

    /// The stanza kind, or `nil` when the element is not a stanza.
    public var stanzaKind: StanzaKind? {
        guard namespace == XMPPNamespace.client || namespace == XMPPNamespace.server else { return nil }
        return StanzaKind(rawValue: name)
    }

    /// The 'to' address (RFC 6120 §8.1.1), or `nil` when absent or malformed.
    /// Setting `nil` removes the attribute.
    public var to: JID? {
        get { self[attribute: "to"].flatMap { try? JID($0) } }
        set { self[attribute: "to"] = newValue?.description }
    }

    /// The 'from' address (RFC 6120 §8.1.2), or `nil` when absent or malformed.
    public var from: JID? {
        get { self[attribute: "from"].flatMap { try? JID($0) } }
        set { self[attribute: "from"] = newValue?.description }
    }

    /// The 'id' attribute (RFC 6120 §8.1.3).
    public var id: String? {
        get { self[attribute: "id"] }
        set { self[attribute: "id"] = newValue }
    }

    /// For a message: its type, 'normal' when absent or not understood
    /// (RFC 6121 §5.2.2). `nil` for anything that is not a message stanza.
    public var messageType: MessageType? {
        guard stanzaKind == .message else { return nil }
        return self[attribute: "type"].flatMap(MessageType.init(rawValue:)) ?? .normal
    }

    /// For a presence: its type, `available` when the attribute is absent
    /// (RFC 6121 §4.7.1). `nil` for a value RFC 6121 does not define
    /// (including a literal 'available') or when the element is not a presence.
    public var presenceType: PresenceType? {
        guard stanzaKind == .presence else { return nil }
        guard let type = self[attribute: "type"] else { return .available }
        guard type != PresenceType.available.rawValue else { return nil }
        return PresenceType(rawValue: type)
    }

    /// For an iq: its type (RFC 6120 §8.2.3). `nil` when absent or unknown
    /// (the attribute is REQUIRED) or when the element is not an iq.
    public var iqType: IQType? {
        guard stanzaKind == .iq else { return nil }
        return self[attribute: "type"].flatMap(IQType.init(rawValue:))
    }

    /// For a presence: the `<priority/>` (RFC 6121 §4.7.2.3), an integer in
    /// −128…127 that defaults to 0 when absent. `nil` when the value is not an
    /// integer in range, or when the element is not a presence.
    public var priority: Int? {
        guard stanzaKind == .presence else { return nil }
        guard let element = firstChild(named: "priority", namespace: namespace) else { return 0 }
        // xs:byte: whitespace is collapsed, a leading '+' is allowed.
        let text = element.text.trimmingXMLWhitespace()
        guard let value = Int(text), value >= -128, value <= 127 else { return nil }
        return value
    }

    /// The error reply to this stanza (RFC 6120 §8.3.1): same kind and
    /// namespace, 'to' and 'from' swapped, the same 'id', type='error' and
    /// `error` as the child. `nil` for an element that is not a stanza and for a
    /// stanza that is itself of type 'error', which must never be answered
    /// with another error (RFC 6120 §8.3.1 rule 3).
    /// When `includingPayload` is true the original children are kept, as
    /// §8.3.1 allows.
    public func errorReply(_ error: StanzaError, includingPayload: Bool = false) -> XMLElement? {
        guard let namespace, isStanza, self[attribute: "type"] != "error" else { return nil }
        var attributes: [XMLAttribute] = []
        if let from = self[attribute: "from"] { attributes.append(XMLAttribute(name: "to", value: from)) }
        if let to = self[attribute: "to"] { attributes.append(XMLAttribute(name: "from", value: to)) }
        if let id = self[attribute: "id"] { attributes.append(XMLAttribute(name: "id", value: id)) }
        attributes.append(XMLAttribute(name: "type", value: "error"))
        var reply = XMLElement(
            name: name, namespace: namespace, attributes: attributes,
            children: includingPayload ? children : [])
        reply.append(error.element(in: namespace))
        return reply
    }
}

extension String {
    /// The string without leading and trailing XML whitespace (XML 1.0 §2.3 S).
    fileprivate func trimmingXMLWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return self[start...end]
    }
}
