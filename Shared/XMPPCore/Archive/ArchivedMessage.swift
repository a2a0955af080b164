/// One message of an archive, and how it travels back to the archive's
/// owner: XEP-0313 §4.2 results, the `<fin/>` that ends them, and the §6
/// metadata.
public struct ArchivedMessage: Sendable, Hashable {
    /// The archive id (also the XEP-0359 stanza id it was delivered with).
    public var id: String
    /// When the server accepted it, in milliseconds since 1970.
    public var stamp: Int64
    /// The message as it was routed.
    public var message: XMLElement

    public init(id: String, stamp: Int64, message: XMLElement) {
        self.id = id
        self.stamp = stamp
        self.message = message
    }

    /// §4.2: `<message from='owner'><result queryid id><forwarded><delay
    /// stamp/><message/></forwarded></result></message>` (XEP-0297, XEP-0203).
    public func result(queryID: String?, owner: JID) -> XMLElement {
        let delay = XMLElement("delay", namespace: XMPPNamespace.delay, attributes: ["stamp": XMPPDateTime.string(milliseconds: stamp)])
        let forwarded = XMLElement(name: "forwarded", namespace: XMPPNamespace.forward, children: [.element(delay), .element(message)])
        var result = XMLElement("result", namespace: XMPPNamespace.archive, attributes: ["id": id], children: [.element(forwarded)])
        if let queryID { result[attribute: "queryid"] = queryID }
        var wrapper = XMLElement(name: "message", namespace: XMPPNamespace.client)
        wrapper[attribute: "from"] = owner.bare.description
        wrapper.append(result)
        return wrapper
    }

    /// §4.3: `<fin complete='true|false'>` with the page's `<set/>`.
    public static func fin(page: ResultSetPage, complete: Bool) -> XMLElement {
        XMLElement(
            "fin", namespace: XMPPNamespace.archive, attributes: ["complete": complete ? "true" : "false"],
            children: [.element(page.element)])
    }

    /// §6: `<metadata>` with the archive's first and last message as
    /// `<start/>` and `<end/>`; empty for an empty archive.
    public static func metadata(first: ArchivedMessage?, last: ArchivedMessage?) -> XMLElement {
        var metadata = XMLElement(name: "metadata", namespace: XMPPNamespace.archive)
        for (name, message) in [("start", first), ("end", last)] {
            guard let message else { continue }
            metadata.append(XMLElement(
                name, namespace: XMPPNamespace.archive,
                attributes: ["id": message.id, "timestamp": XMPPDateTime.string(milliseconds: message.stamp)]))
        }
        return metadata
    }
}
