import Cluster
import XMPPCore

/// One routed message for the archives (XEP-0313): its sender's (outgoing)
/// and its recipient's (incoming) — one row each, or one for a message to
/// oneself. A router collects those of one routing commit into a single
/// `archive.append` request, queued in that commit's `MULTI`; nobody waits
/// for an answer.
public struct ArchiveAppend: Sendable, Hashable {
    public var id: ArchiveID
    /// The sender's full JID, as the gateway stamped it.
    public var sender: JID
    /// The `to` of the message: the recipient's bare or full JID.
    public var recipient: JID
    /// The message as it was routed, without stanza ids, serialized as in a
    /// client stream (`StanzaWire`).
    public var xml: String

    public init(id: ArchiveID, sender: JID, recipient: JID, xml: String) {
        self.id = id
        self.sender = sender
        self.recipient = recipient
        self.xml = xml
    }

    public init(id: ArchiveID, sender: JID, recipient: JID, message: XMLElement) {
        self.init(id: id, sender: sender, recipient: recipient, xml: StanzaWire.encode(message))
    }

    /// The arguments of `archive.append`: `count`, then for the i-th message
    /// (from 0) `id.i`, `from.i`, `to.i` and `xml.i`. Flat stream fields
    /// rather than JSON: encoding and decoding JSON cost routers an eighth of
    /// their time under load, and these values need no escaping.
    public static func arguments(_ appends: [ArchiveAppend]) -> [String: String] {
        var arguments = ["count": String(appends.count)]
        for (index, append) in appends.enumerated() {
            arguments["id.\(index)"] = append.id.description
            arguments["from.\(index)"] = append.sender.description
            arguments["to.\(index)"] = append.recipient.description
            arguments["xml.\(index)"] = append.xml
        }
        return arguments
    }

    /// The messages of `archive.append`'s arguments, in order; `nil` when the
    /// count or one of the messages is missing or malformed.
    public static func messages(in arguments: [String: String]) -> [ArchiveAppend]? {
        guard let count = arguments["count"].flatMap({ Int($0) }), count >= 0, count <= arguments.count else { return nil }
        var appends: [ArchiveAppend] = []
        appends.reserveCapacity(count)
        for index in 0..<count {
            guard let id = arguments["id.\(index)"].flatMap(ArchiveID.init),
                let sender = arguments["from.\(index)"].flatMap({ try? JID($0) }), sender.localpart != nil,
                let recipient = arguments["to.\(index)"].flatMap({ try? JID($0) }), recipient.localpart != nil,
                let xml = arguments["xml.\(index)"]
            else { return nil }
            appends.append(ArchiveAppend(id: id, sender: sender, recipient: recipient, xml: xml))
        }
        return appends
    }
}
