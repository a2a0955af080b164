import Cluster
import XMPPCore

/// The arguments of `archive.append`: one routed message, for the archive of
/// its sender (outgoing) and of its recipient (incoming) — one row each, or
/// one alone for a message to oneself. The router queues it in the same
/// transaction as the message's deliveries and waits for no reply.
public struct ArchiveAppend: Sendable, Hashable {
    public var id: ArchiveID
    /// The sender's full JID, as the gateway stamped it.
    public var sender: JID
    /// The `to` of the message: the recipient's bare or full JID.
    public var recipient: JID
    /// The message as it was routed, without stanza ids.
    public var message: XMLElement

    public init(id: ArchiveID, sender: JID, recipient: JID, message: XMLElement) {
        self.id = id
        self.sender = sender
        self.recipient = recipient
        self.message = message
    }

    public var arguments: [String: String] {
        [
            "archive_id": id.description, "sender": sender.description, "recipient": recipient.description,
            "xml": StanzaWire.encode(message),
        ]
    }

    /// The arguments read back, with `message` parsed from `xml` by the
    /// caller; `nil` when one is missing or malformed. (`archive_id`, not
    /// `id`: a request's own `id` field would shadow it.)
    public init?(arguments: [String: String], message: XMLElement) {
        guard let id = arguments["archive_id"].flatMap(ArchiveID.init),
            let sender = arguments["sender"].flatMap({ try? JID($0) }),
            let recipient = arguments["recipient"].flatMap({ try? JID($0) }), sender.localpart != nil,
            recipient.localpart != nil
        else { return nil }
        self.init(id: id, sender: sender, recipient: recipient, message: message)
    }
}
