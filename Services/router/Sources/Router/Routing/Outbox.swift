import Cluster
import ClusterIO
import Gateway
import XMPPCore

/// What routing one entry produced: deliveries to gateway nodes. The worker
/// queues them in the same `MULTI` as the entry's `XACK`, so an entry's
/// deliveries are queued exactly once (docs/redis-protocol.md).
public struct Outbox: Sendable, Hashable {
    public struct Outgoing: Sendable, Hashable {
        public var node: String
        public var delivery: Delivery
        /// The full JID the delivery is for.
        public var recipient: JID
        /// Whether block lists apply (XEP-0191): true for everything but the
        /// server's own answers to the sender, which must get through a block
        /// (`withholdBlockedDeliveries`).
        public var screened: Bool
    }

    public private(set) var outgoing: [Outgoing] = []
    /// Redis changes routing decided on (directed-presence bookkeeping),
    /// committed in the same `MULTI` as the deliveries.
    public private(set) var changes: [RegistryChange] = []

    /// Messages to archive (XEP-0313): the worker queues those of one commit
    /// as one `archive.append` in that commit's `MULTI`.
    public private(set) var archived: [ArchiveAppend] = []

    public mutating func archive(_ message: ArchiveAppend) {
        archived.append(message)
    }

    public enum RegistryChange: Sendable, Hashable {
        /// `sender` sent directed available presence to `recipient`.
        case directedPresenceSent(sender: JID, recipient: JID)
        /// `sender` sent directed unavailable presence to `recipient`.
        case directedPresenceWithdrawn(sender: JID, recipient: JID)
        /// `sender` went unavailable: forget whom it had sent presence to.
        case directedPresenceCleared(sender: JID)
    }

    public mutating func record(_ change: RegistryChange) {
        changes.append(change)
    }

    public init() {}

    /// Sends `stanza` to the session of `to` (a full JID) on `node`. A
    /// delivery that is not `screened` gets through block lists.
    public mutating func deliver(_ stanza: XMLElement, to: JID, node: String, screened: Bool = true) {
        var stanza = stanza
        stanza[attribute: "to"] = to.description
        outgoing.append(Outgoing(node: node, delivery: .stanza(to: to.description, stanza), recipient: to, screened: screened))
    }

    /// Drops the deliveries at `indices` (positions in `outgoing`), keeping
    /// the others in order.
    mutating func withhold(at indices: Set<Int>) {
        guard !indices.isEmpty else { return }
        outgoing = outgoing.enumerated().filter { !indices.contains($0.offset) }.map(\.element)
    }

    public var isEmpty: Bool { outgoing.isEmpty }

    /// The stanzas addressed to `jid`, in order (for tests).
    public func stanzas(to jid: String) -> [XMLElement] {
        outgoing.compactMap {
            if case .stanza(let to, let stanza) = $0.delivery, to == jid { stanza } else { nil }
        }
    }
}
