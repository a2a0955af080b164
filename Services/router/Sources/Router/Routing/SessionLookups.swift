import Gateway
import Synchronization
import XMPPCore

/// The session records routing has read, by bare JID, shared by the passes of
/// one batch of entries: each user's sessions are read from the registry at
/// most once per batch, and the users a batch will certainly need (addressees,
/// a broadcast's contacts) are read ahead in one pipelined round trip.
///
/// Reusing a read within a batch is as fresh as reading again: the registry
/// is written only by gateways, and a gateway writes a session's change before
/// it queues the stanza that follows it, so every change an entry of the batch
/// depends on was in the registry before the batch was read from its stream.
public final class SessionLookups: Sendable {
    private let known = Mutex<[JID: [String: SessionRecord]]>([:])

    public init() {}

    /// The sessions of `user` (a bare JID) if already read.
    func cached(_ user: JID) -> [String: SessionRecord]? {
        known.withLock { $0[user] }
    }

    func store(_ records: [JID: [String: SessionRecord]]) {
        known.withLock { $0.merge(records) { _, new in new } }
    }

    /// Reads the sessions of every user in `users` not read yet, in one call.
    /// A failed read stores nothing: each lookup then tries on its own.
    func readAhead(_ users: [JID], context: any RoutingContext) async {
        let wanted = Set(users.map(\.bare))
        let missing = known.withLock { known in wanted.filter { known[$0] == nil } }
        guard !missing.isEmpty, let found = try? await context.sessions(of: Array(missing)) else { return }
        store(found)
    }
}
