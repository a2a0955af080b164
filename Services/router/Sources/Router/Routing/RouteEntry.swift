import Cluster
import Redis
import XMPPCore

/// One entry of a `route:{p}` stream, as a gateway (or the sweeper) wrote it
/// (docs/redis-protocol.md, "Into the routers").
public struct RouteEntry: Sendable, Hashable {
    /// The stream entry id; routing derives its storage request ids from it, so a
    /// re-processed entry repeats the same (idempotent) requests.
    public var id: String
    /// The partition stream the entry came from (part of its request ids).
    public var stream: String
    /// That stream's partition (part of the archive ids of its messages).
    public var partition: Int
    /// The sender's full JID, as the gateway stamped it.
    public var sender: JID
    /// The gateway node that holds the sender's session: error replies go there.
    public var senderNode: String
    /// The stanza; constant, because `addressee` is parsed from its `to`.
    public let stanza: XMLElement
    /// The stanza's `to`, parsed once for the whole pass (RFC 7622): absent,
    /// a JID, or malformed.
    public let addressee: Addressee
    /// Set when a gateway could not write this stanza to the session of this
    /// full JID (it had gone): RFC 6121 §8.5.3.2 applies.
    public var undelivered: JID?
    /// The presence is the session's initial presence (RFC 6121 §4.2): probes,
    /// pending subscription requests and offline messages follow it.
    public var initialPresence: Bool

    public init(
        id: String, stream: String = "", partition: Int = 0, sender: JID, senderNode: String, stanza: XMLElement,
        undelivered: JID? = nil, initialPresence: Bool = false
    ) {
        self.id = id
        self.stream = stream
        self.partition = partition
        self.sender = sender
        self.senderNode = senderNode
        self.stanza = stanza
        self.addressee = Addressee(stanza[attribute: "to"])
        self.undelivered = undelivered
        self.initialPresence = initialPresence
    }

    /// `nil` for an entry that is not a valid route entry (it is acknowledged and dropped).
    public init?(_ entry: RedisStreamEntry, stream: String, partition: Int) {
        guard let from = entry["from"], let sender = try? JID(from), let node = entry["node"],
            let text = entry["stanza"], let stanza = StanzaWire.decode(text), stanza.isStanza
        else { return nil }
        self.init(
            id: entry.id, stream: stream, partition: partition, sender: sender, senderNode: node, stanza: stanza,
            undelivered: entry["undelivered"].flatMap { try? JID($0) }, initialPresence: entry["initial"] == "1")
    }

    /// The users whose sessions routing this entry reads first: a local
    /// addressee as addressed (a full JID tells a cached record that lacks
    /// the resource to be read again; the sender's own account when there is
    /// no `to`), and the sender when the entry does not name its gateway.
    func usersToLookUp(domains: Set<String>) -> [JID] {
        var users: [JID] = []
        if case .absent = addressee {
            users.append(sender.bare)
        } else if let addressee = localAddressee(domains: domains) {
            users.append(addressee)
        }
        // The sender's own sessions: for replies, and for the sent copies of a
        // message carbons apply to (XEP-0280 §7).
        if senderNode.isEmpty || MessageCarbons.isEligible(stanza) { users.append(sender.bare) }
        return users
    }

    /// The accounts whose block lists (XEP-0191) routing this entry checks:
    /// the sender's (what it addresses, and what a broadcast reaches) and a
    /// local addressee's (who sent it).
    func blockListsToLookUp(domains: Set<String>) -> [JID] {
        [sender.bare] + [localAddressee(domains: domains)?.bare].compactMap { $0 }
    }

    /// The JID the stanza's `to` names (full or bare), when this cluster
    /// serves its account.
    private func localAddressee(domains: Set<String>) -> JID? {
        guard case .jid(let target) = addressee, target.localpart != nil, domains.contains(target.domainpart) else {
            return nil
        }
        return target
    }

    /// The entry's routing reads the directed-presence set an earlier entry of
    /// the same sender may have written (an unavailable broadcast).
    var readsDirectedPresence: Bool {
        stanza.name == "presence" && stanza[attribute: "type"] == "unavailable" && addressee == .absent
    }
}

extension RouteEntry {
    /// What a stanza's `to` attribute names.
    public enum Addressee: Sendable, Hashable {
        /// No `to`: the sender's own account (RFC 6120 §8.1.1.1).
        case absent
        case jid(JID)
        /// A `to` that is not a JID (RFC 6120 §8.3.3.8, `jid-malformed`).
        case malformed

        init(_ to: String?) {
            guard let to else {
                self = .absent
                return
            }
            self = (try? JID(to)).map(Addressee.jid) ?? .malformed
        }
    }
}
