import ClusterIO
import Gateway
import XMPPCore

/// The presence that follows a change of the user's block list (XEP-0191).
///
/// Only JIDs whose state really changed are told: a change says which items
/// it added or removed, and an address still blocked by another item (a
/// domain, say) stays as it was. The lists before and after come from the
/// change itself, so a pass routed again after a crash (storage replays the
/// same answer) sends the same presence.
extension RoutingPass {
    /// §3.3: after a block, each newly blocked session of a contact allowed
    /// to see the user's presence (RFC 6121 subscription `from`/`both`), and
    /// each one the user sent directed presence to, gets unavailable presence
    /// from every available resource of the user. Trellis also tells the user's
    /// available resources that each newly blocked session of a contact they
    /// see went unavailable: no presence of theirs gets through any more, and
    /// the client would otherwise show them online for as long as the block
    /// lasts. None of this is screened (it crosses the new block on purpose).
    mutating func withdrawPresence(after change: BlockListChange) async throws {
        let after = BlockList(normalized: change.items)
        let before = BlockList(normalized: Set(change.items).subtracting(change.changed))
        let newlyBlocked = { (jid: JID) in after.blocks(jid) && !before.blocks(jid) }
        let own = await availableSessions(of: sender.bare)
        var told: Set<JID> = []
        for (contact, full, record) in try await contactSessions(touchedBy: change, where: newlyBlocked) {
            if contact.state.contactSeesUser {
                await sendUnavailable(from: sender.bare, to: full, recipients: [(full.resourcepart ?? "", record)], screened: false)
                told.insert(full)
            }
            if contact.state.userSeesContact {
                deliver(Self.unavailablePresence(from: full), to: sender.bare, sessions: own, screened: false)
            }
        }
        for (resource, _) in own {
            guard let from = try? sender.bare.with(resource: resource) else { continue }
            for recipient in (try? await context.directedPresenceRecipients(of: from)) ?? [] {
                let reached = Self.sessionsReached(by: recipient, among: await sessions(of: recipient))
                for (target, record) in reached where newlyBlocked(target) && !told.contains(target) {
                    outbox.deliver(Self.unavailablePresence(from: from), to: target, node: record.node, screened: false)
                }
            }
        }
    }

    /// §3.4, §3.5: after an unblock, each newly unblocked session of a contact
    /// allowed to see the user's presence gets the user's current presence,
    /// and — a probe answered from the registry — the user's available
    /// resources get the current presence of each newly unblocked session of
    /// a contact they see. Screened as usual: a contact who blocked the user
    /// is still not reached, nor heard from.
    mutating func restorePresence(after change: BlockListChange) async throws {
        let after = BlockList(normalized: change.items)
        let before = BlockList(normalized: change.items + change.changed)
        let own = await availableSessions(of: sender.bare)
        for (contact, full, record) in try await contactSessions(touchedBy: change, where: { before.blocks($0) && !after.blocks($0) }) {
            if contact.state.contactSeesUser {
                for (resource, ownRecord) in own {
                    guard let presence = Self.lastPresence(of: sender, resource: resource, record: ownRecord) else { continue }
                    outbox.deliver(presence, to: full, node: record.node)
                }
            }
            if contact.state.userSeesContact, let resource = full.resourcepart,
                let presence = Self.lastPresence(of: contact.jid, resource: resource, record: record)
            {
                deliver(presence, to: sender.bare, sessions: own)
            }
        }
    }

    /// The available sessions of the user's roster contacts that a change may
    /// concern (an item it added or removed could match one of their
    /// addresses) and for which `turned` holds, in a stable order. Only
    /// contacts presence flows with, one way or the other. Without a roster
    /// (storage away) there is nobody to tell.
    private mutating func contactSessions(
        touchedBy change: BlockListChange, where turned: (JID) -> Bool
    ) async throws -> [(contact: RosterContact, full: JID, record: SessionRecord)] {
        let changed = BlockList(normalized: change.changed)
        guard !changed.isEmpty else { return [] }
        let roster: [RosterContact]
        do {
            roster = try await context.roster(of: sender.bare)
        } catch is StorageCallError {
            return []
        }
        let touched = roster.filter {
            ($0.state.contactSeesUser || $0.state.userSeesContact) && changed.mayBlock(someAddressOf: $0.jid)
        }.sorted { $0.jid.description < $1.jid.description }
        await readAhead(accountsOf: touched.map(\.jid))
        var found: [(contact: RosterContact, full: JID, record: SessionRecord)] = []
        for contact in touched {
            let available = Self.sessionsReached(by: contact.jid.bare, among: await sessions(of: contact.jid))
            for (full, record) in available where turned(full) { found.append((contact, full, record)) }
        }
        return found
    }
}
