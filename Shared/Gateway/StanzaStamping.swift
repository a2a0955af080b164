import XMPPCore

/// RFC 6120 §8.1.2.1: a server stamps every stanza from a client with the
/// session's full JID. A `from` the client set itself must be that full JID or
/// its bare JID; anything else is a spoof and ends the stream with
/// `<invalid-from/>` (§4.9.3.9).
public enum StanzaStamping {
    public enum Outcome: Sendable, Hashable {
        case stamped
        case spoofed
    }

    public static func stamp(_ stanza: inout XMLElement, sender: JID) -> Outcome {
        if let given = stanza[attribute: "from"] {
            guard let claimed = try? JID(given), claimed == sender || claimed == sender.bare else { return .spoofed }
        }
        stanza[attribute: "from"] = sender.description
        return .stamped
    }
}
