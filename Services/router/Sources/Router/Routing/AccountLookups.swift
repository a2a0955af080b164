import Gateway
import Synchronization
import XMPPCore

/// What routing has read about accounts — session records and block lists
/// (XEP-0191), by bare JID — shared by the passes of one batch of entries:
/// each is read at most once per batch, and what a batch will certainly need
/// (addressees, senders' block lists, a broadcast's contacts) is read ahead
/// in one pipelined round trip.
///
/// Reusing a read within a batch is as fresh as reading again. Sessions: the
/// registry is written only by gateways, and a gateway writes a session's
/// change before it queues the stanza that follows it, so every change an
/// entry of the batch depends on was in the registry before the batch was read
/// from its stream. Block lists change only through a block or unblock command,
/// and the pass that carries one out puts the new list here
/// (`replaceBlockList`), so the entries after it in the batch see it.
public final class AccountLookups: Sendable {
    private let known = Mutex(AccountReads())

    public init() {}

    /// The sessions of `user` (a bare JID) if already read.
    func cachedSessions(_ user: JID) -> [String: SessionRecord]? {
        known.withLock { $0.sessions[user] }
    }

    /// The block list of `user` (a bare JID) if already read.
    func cachedBlockList(_ user: JID) -> BlockList? {
        known.withLock { $0.blockLists[user] }
    }

    func store(_ reads: AccountReads) {
        known.withLock {
            $0.sessions.merge(reads.sessions) { _, new in new }
            $0.blockLists.merge(reads.blockLists) { _, new in new }
        }
    }

    /// After `user` changed their block list: what the rest of the batch sees.
    func replaceBlockList(of user: JID, with list: BlockList) {
        known.withLock { $0.blockLists[user.bare] = list }
    }

    /// Reads, in one call, the sessions and block lists asked for that were
    /// not read yet. A failed read stores nothing: each lookup then tries on
    /// its own.
    /// `sessionUsers` may be full JIDs (what the entries address); the
    /// context reads their accounts.
    func readAhead(sessionsOf sessionUsers: [JID], blockListsOf listUsers: [JID], context: any RoutingContext) async {
        let (sessions, lists) = known.withLock { known in
            (
                Set(sessionUsers).filter { known.sessions[$0.bare] == nil },
                Set(listUsers.map(\.bare)).filter { known.blockLists[$0] == nil }
            )
        }
        guard !sessions.isEmpty || !lists.isEmpty,
            let found = try? await context.read(sessionsOf: Array(sessions), blockListsOf: Array(lists))
        else { return }
        store(found)
    }
}
