import XMPPCore

/// The elements of XEP-0198 stream management (namespace `urn:xmpp:sm:3`):
/// what the client sends, parsed, and what the server answers, built.
public enum StreamManagementElements {
    public static let namespace = "urn:xmpp:sm:3"

    /// Counters run modulo 2³² (XEP-0198 §4).
    public static func parseCounter(_ text: String?) -> UInt32? {
        text.flatMap { UInt32($0) }
    }

    /// `<sm/>` in the stream features after authentication (§2).
    static let feature = XMLElement(name: "sm", namespace: namespace)

    /// `<enabled/>` (§3): `id` and `resume` only when the session can be resumed.
    public static func enabled(id: String?, maxSeconds: Int?) -> XMLElement {
        var element = XMLElement(name: "enabled", namespace: namespace)
        if let id {
            element[attribute: "id"] = id
            element[attribute: "resume"] = "true"
        }
        if let maxSeconds { element[attribute: "max"] = String(maxSeconds) }
        return element
    }

    /// `<resumed/>` (§5): `h` counts the stanzas the server handled from the client.
    public static func resumed(previd: String, handled: UInt32) -> XMLElement {
        XMLElement("resumed", namespace: namespace, attributes: ["previd": previd, "h": String(handled)])
    }

    /// `<failed/>` with a stanza error condition (§3, §5), and `h` when the
    /// server knows how many of the client's stanzas it handled.
    public static func failed(_ condition: StanzaError.Condition, handled: UInt32? = nil, sendCount: UInt32? = nil, clientHandled: UInt32? = nil) -> XMLElement {
        var failed = XMLElement(name: "failed", namespace: namespace)
        if let handled { failed[attribute: "h"] = String(handled) }
        failed.append(XMLElement(name: condition.rawValue, namespace: XMPPNamespace.stanzas))
        if let sendCount, let clientHandled {
            failed.append(handledCountTooHigh(h: clientHandled, sendCount: sendCount))
        }
        return failed
    }

    /// §6: the peer acknowledged more stanzas than were sent.
    public static func handledCountTooHigh(h: UInt32, sendCount: UInt32) -> XMLElement {
        XMLElement(
            "handled-count-too-high", namespace: namespace, attributes: ["h": String(h), "send-count": String(sendCount)])
    }

    /// `<a h='…'/>` (§4).
    public static func answer(handled: UInt32) -> XMLElement {
        XMLElement("a", namespace: namespace, attributes: ["h": String(handled)])
    }

    /// `<r/>` (§4), as written on the wire.
    public static let requestText = "<r xmlns='urn:xmpp:sm:3'/>"
}
