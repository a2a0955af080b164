import Cluster
import ClusterIO
import XMPPCore

/// What routing one message to a local account does about archives
/// (XEP-0313) and stanza ids (XEP-0359): the message with every stanza id
/// claiming the sender's or the recipient's archive removed (only the server
/// may put one there), and — when the message is archived — its archive id,
/// the same in both archives, stamped under the recipient's `by` on what
/// the recipient gets and under the sender's on the sender's carbon copies.
struct ArchivingPlan: Sendable {
    /// The message without forged stanza ids: what the archives keep.
    var message: XMLElement
    /// The message as delivered: `message`, stamped for the recipient when archived.
    var delivered: XMLElement
    /// The archive id, when the message is archived.
    var id: ArchiveID?
    var sender: JID

    /// What the sender's other resources get in their `<sent/>` carbons
    /// (XEP-0280 §7): the message with the sender's own stanza id when it was
    /// archived (XEP-0313 §3.5 "SHOULD include the element as a child of the
    /// forwarded message"), never the recipient's.
    func sentCopy(accepted: Bool) -> XMLElement {
        guard accepted, let id else { return message }
        return StanzaID.stamping(message, by: sender.bare, id: id.description)
    }
}

extension RoutingPass {
    /// Decides how a message to `target` (a local account) is stamped and
    /// whether it is archived: when archives are on, the message is worth
    /// archiving (`ArchivePolicy`), and the entry id makes an archive id.
    func archivingPlan(to target: JID) -> ArchivingPlan {
        let message = StanzaID.removingClaims(of: [sender.bare, target.bare], from: stanza)
        guard context.archiving, ArchivePolicy.isArchivable(message),
            let id = ArchiveID(streamEntryID: entry.id, partition: entry.partition)
        else { return ArchivingPlan(message: message, delivered: message, id: nil, sender: sender) }
        let delivered = StanzaID.stamping(message, by: target.bare, id: id.description)
        return ArchivingPlan(message: message, delivered: delivered, id: id, sender: sender)
    }

    /// Archives an accepted message: it goes into the entry's commit, in the
    /// same `MULTI` as the deliveries and the entry's acknowledgement, where
    /// the worker queues the commit's messages as one `archive.append` that
    /// nobody waits for — the message path pays no round trip.
    mutating func archive(_ plan: ArchivingPlan, to target: JID) {
        guard let id = plan.id else { return }
        outbox.archive(ArchiveAppend(id: id, sender: sender, recipient: target, message: plan.message))
    }
}
