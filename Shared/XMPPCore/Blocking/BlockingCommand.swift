/// A XEP-0191 request, as the payload of a client's IQ, and the payloads the
/// server answers and pushes with.
public enum BlockingCommand: Sendable, Hashable {
    /// §3.2: `<blocklist/>` in an IQ get.
    case retrieve
    /// §3.3: `<block/>` in an IQ set, with at least one item.
    case block([JID])
    /// §3.4: `<unblock/>` in an IQ set; §3.5: without items, every JID.
    case unblock([JID])

    /// Parses the payload of an IQ `get` or `set` in the `urn:xmpp:blocking`
    /// namespace. Items are normalised (RFC 7622) and each JID is kept once,
    /// in the order given. Throws
    /// - `jid-malformed` for an item whose `jid` is not a JID (RFC 6120 §8.3.3.8),
    /// - `bad-request` for a `<block/>` without items (§3.3), an item without
    ///   `jid`, or an element that does not go with the IQ's type.
    public init(type: IQType, payload: XMLElement) throws(StanzaError) {
        guard payload.namespace == XMPPNamespace.blocking else {
            throw StanzaError(.badRequest, text: "not a blocking command")
        }
        switch (type, payload.name) {
        case (.get, "blocklist"):
            self = .retrieve
        case (.set, "block"):
            let items = try Self.items(of: payload)
            guard !items.isEmpty else { throw StanzaError(.badRequest, text: "a block command carries at least one item") }
            self = .block(items)
        case (.set, "unblock"):
            self = .unblock(try Self.items(of: payload))
        default:
            throw StanzaError(.badRequest, text: "<\(payload.name)/> does not go in an iq of type \(type.rawValue)")
        }
    }

    private static func items(of payload: XMLElement) throws(StanzaError) -> [JID] {
        var seen: Set<JID> = []
        var items: [JID] = []
        for item in payload.children(named: "item", namespace: XMPPNamespace.blocking) {
            guard let text = item[attribute: "jid"] else { throw StanzaError(.badRequest, text: "an item without jid") }
            guard let jid = try? JID(text) else { throw StanzaError(.jidMalformed, text: "not a JID: \(text)") }
            if seen.insert(jid).inserted { items.append(jid) }
        }
        return items
    }

    /// `<name xmlns='urn:xmpp:blocking'><item jid='…'/>…</name>`: the
    /// `blocklist` of a result (§3.2), the `block` and `unblock` of pushes
    /// (§3.3–§3.5; an `unblock` without items says every JID was unblocked).
    public static func element(_ name: String, items: [String]) -> XMLElement {
        var element = XMLElement(name: name, namespace: XMPPNamespace.blocking)
        for item in items {
            element.append(XMLElement("item", namespace: XMPPNamespace.blocking, attributes: ["jid": item]))
        }
        return element
    }
}
