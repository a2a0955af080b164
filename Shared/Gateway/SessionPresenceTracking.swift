import Cluster
import XMPPCore

/// What a client's own stanzas change in its session record: broadcast presence
/// (no `to`) makes it available or unavailable with a priority (RFC 6121 §4.2,
/// §4.5, §4.7.2.3); a roster get makes it an interested resource (§2.1.6); a
/// block list get makes it one that gets block list pushes (XEP-0191 §3.3).
public enum SessionPresenceTracking {
    /// The updated record, or `nil` when the stanza changes nothing.
    public static func apply(_ stanza: XMLElement, to record: SessionRecord) -> SessionRecord? {
        var record = record
        switch stanza.name {
        case "presence" where stanza[attribute: "to"] == nil:
            switch stanza[attribute: "type"] {
            case nil:
                record.available = true
                record.priority = stanza.priority ?? 0
                record.presence = StanzaWire.encode(stanza)
            case "unavailable":
                record.available = false
                record.presence = nil
            default:
                return nil
            }
        case "iq" where stanza[attribute: "type"] == "get" && stanza[attribute: "to"] == nil:
            if stanza.firstChild(named: "query", namespace: XMPPNamespace.roster) != nil {
                record.interested = true
            } else if stanza.firstChild(named: "blocklist", namespace: XMPPNamespace.blocking) != nil {
                record.blocklist = true
            } else {
                return nil
            }
        default:
            return nil
        }
        return record
    }
}
