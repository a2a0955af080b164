import XMPPCore

/// XEP-0280 §4: a session turns message carbons on or off with an IQ set to its
/// own account. The gateway answers it itself, because the setting lives in
/// the session's registry record, which only the gateway writes; the routers
/// read it when they copy messages (docs/client-features.md).
public enum MessageCarbonsToggle {
    /// `true` for `<enable/>`, `false` for `<disable/>`, `nil` when the stanza
    /// is not a carbons toggle of `sender`'s own account.
    public static func requested(by stanza: XMLElement, sender: JID) -> Bool? {
        guard stanza.name == "iq", stanza.namespace == XMPPNamespace.client, stanza[attribute: "type"] == "set",
            stanza[attribute: "id"] != nil
        else { return nil }
        if let to = stanza[attribute: "to"] {
            guard let target = try? JID(to), target == sender.bare else { return nil }
        }
        let payloads = stanza.elements
        guard payloads.count == 1, let payload = payloads.first, payload.namespace == XMPPNamespace.carbons else { return nil }
        switch payload.name {
        case "enable": return true
        case "disable": return false
        default: return nil
        }
    }

    /// The empty result that acknowledges the toggle (XEP-0280 §4, example 4).
    public static func result(to stanza: XMLElement, sender: JID) -> XMLElement {
        var result = XMLElement(name: "iq", namespace: XMPPNamespace.client)
        result[attribute: "from"] = sender.bare.description
        result[attribute: "to"] = sender.description
        result[attribute: "id"] = stanza[attribute: "id"]
        result[attribute: "type"] = "result"
        return result
    }
}
