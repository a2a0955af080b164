import Cluster
import XMPPCore

extension SessionRecord {
    /// The session's last available presence, from its full JID `jid`; `nil`
    /// when the session is not available (RFC 6121 §4.3.2: what a probe gets).
    public func lastPresence(from jid: JID) -> XMLElement? {
        guard available, let text = presence, var stanza = StanzaWire.decode(text) else { return nil }
        stanza[attribute: "from"] = jid.description
        return stanza
    }
}
