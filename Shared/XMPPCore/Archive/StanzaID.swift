/// XEP-0359 unique and stable stanza ids: the `<stanza-id/>` a server adds to
/// a message it archived, naming the archive (`by`) and the message's id in it.
public enum StanzaID {
    /// `urn:xmpp:sid:0`.
    public static let namespace = XMPPNamespace.stanzaID

    /// `message` without the `<stanza-id/>` elements whose `by` names one of
    /// `archives` (compared as normalised JIDs), so that only the server can
    /// put one there (§5: an entity that adds its own MUST remove any a
    /// sender added under its `by`, or a client would trust a forged archive id).
    public static func removingClaims(of archives: [JID], from message: XMLElement) -> XMLElement {
        message.removingChildElements { element in
            guard element.name == "stanza-id", element.namespace == namespace else { return false }
            guard let by = element[attribute: "by"], let claimed = try? JID(by) else { return true }  // unusable: dropped too
            return archives.contains(claimed)
        }
    }

    /// `message` with `<stanza-id xmlns='urn:xmpp:sid:0' by='archive' id='id'/>` appended.
    public static func stamping(_ message: XMLElement, by archive: JID, id: String) -> XMLElement {
        var message = message
        message.append(XMLElement("stanza-id", namespace: namespace, attributes: ["by": archive.description, "id": id]))
        return message
    }

    /// The id of the `<stanza-id/>` in `message` whose `by` is `archive`.
    public static func id(in message: XMLElement, by archive: JID) -> String? {
        message.children(named: "stanza-id", namespace: namespace)
            .first { $0[attribute: "by"].flatMap { try? JID($0) } == archive }?[attribute: "id"]
    }
}
