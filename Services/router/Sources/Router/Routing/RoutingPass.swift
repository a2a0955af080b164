import Cluster
import Gateway
import XMPPCore

/// Routing one `route:{p}` entry: the rules read what they need through the
/// context and write deliveries into the outbox. Storage request ids derive
/// from the entry id, so routing the same entry again (after a router died
/// before acknowledging it) repeats the same idempotent requests.
public struct RoutingPass: Sendable {
    public let entry: RouteEntry
    public let context: any RoutingContext
    /// Sessions and block lists already read, shared with the other passes of a batch.
    public let lookups: AccountLookups
    public internal(set) var outbox = Outbox()
    var requests = 0
    /// The gateway node of the sender's session, for replies; looked up in the
    /// registry when the entry does not name it (`resolveSenderNode`).
    var senderNode: String?

    public init(entry: RouteEntry, context: any RoutingContext, lookups: AccountLookups = AccountLookups()) {
        self.entry = entry
        self.context = context
        self.lookups = lookups
        self.senderNode = entry.senderNode.isEmpty ? nil : entry.senderNode
    }

    /// Finds the sender's gateway in the registry when the entry does not say.
    mutating func resolveSenderNode() async {
        guard senderNode == nil, let resource = sender.resourcepart else { return }
        senderNode = await sessions(of: sender)[resource]?.node
    }

    var stanza: XMLElement { entry.stanza }
    var sender: JID { entry.sender }

    /// `<stream>/<entry id>:<n>`: unique across partitions and stable across
    /// re-routing of the same entry.
    mutating func nextRequestID() -> String {
        requests += 1
        return "\(entry.stream)/\(entry.id):\(requests)"
    }

    /// Asks storage. Throws `StorageCallError` for an answer that is not a
    /// success (or none in time); any other error (Redis unreachable: the
    /// request was never queued) propagates, and the worker routes the entry
    /// again later instead of acknowledging it.
    mutating func storage(_ operation: StorageOperation, _ arguments: [String: String]) async throws -> [String: StorageValue] {
        let reply = try await context.storage(operation, arguments, requestID: nextRequestID())
        guard reply.ok else {
            let condition = reply.error.flatMap(StanzaError.Condition.init(rawValue:)) ?? .internalServerError
            throw StorageCallError.refused(StanzaError(condition, text: reply.text))
        }
        return reply.result ?? [:]
    }

    /// The user's sessions, or none when the registry cannot be read (the
    /// stanza is then treated as for an offline user, never lost).
    func sessions(of user: JID) async -> [String: SessionRecord] {
        let bare = user.bare
        if let known = lookups.cachedSessions(bare) { return known }
        guard let found = try? await context.sessions(of: bare) else { return [:] }
        lookups.store(AccountReads(sessions: [bare: found]))
        return found
    }

    /// The available sessions of `user`, by resource, in a stable order.
    func availableSessions(of user: JID) async -> [(String, SessionRecord)] {
        Self.available(in: await sessions(of: user))
    }

    /// The available ones of `sessions`, by resource, in a stable order.
    static func available(in sessions: [String: SessionRecord]) -> [(String, SessionRecord)] {
        sessions.filter { $0.value.available }.sorted { $0.key < $1.key }
    }

    /// The user's block list (XEP-0191); empty when Redis cannot be read,
    /// like the sessions.
    func blockList(of user: JID) async -> BlockList {
        let bare = user.bare
        if let known = lookups.cachedBlockList(bare) { return known }
        guard let found = try? await context.blockList(of: bare) else { return .empty }
        lookups.store(AccountReads(blockLists: [bare: found]))
        return found
    }

    /// Reads the sessions and block lists of the accounts this pass is about
    /// to look up, in one round trip.
    func readAhead(accountsOf users: [JID]) async {
        await lookups.readAhead(sessionsOf: users, blockListsOf: users, context: context)
    }

    // MARK: Replies to the sender

    /// Sends `stanza` to the sender's session (on the gateway that routed it).
    /// A stanza that is not `screened` gets through block lists.
    mutating func reply(_ stanza: XMLElement, screened: Bool = true) {
        guard let senderNode else { return }  // the sender is gone: nobody to tell
        outbox.deliver(stanza, to: sender, node: senderNode, screened: screened)
    }

    /// Answers the routed stanza with an error, unless it is an error itself
    /// (RFC 6120 §8.3.1). The error comes from the addressee's JID but is the
    /// server's answer, so no block list withholds it.
    mutating func bounce(_ error: StanzaError) {
        var original = stanza
        if original[attribute: "to"] == nil { original[attribute: "to"] = sender.bare.description }
        guard let reply = original.errorReply(error) else { return }
        self.reply(reply, screened: false)
    }

    /// Delivers to every session in `targets` of `user`.
    mutating func deliver(
        _ stanza: XMLElement, to user: JID, sessions targets: [(String, SessionRecord)], screened: Bool = true
    ) {
        for (resource, record) in targets {
            guard let full = try? user.bare.with(resource: resource) else { continue }
            outbox.deliver(stanza, to: full, node: record.node, screened: screened)
        }
    }
}

extension JID {
    /// This JID's bare part with `resource` (only the resource is normalised:
    /// the rest already is).
    func with(resource: String) throws -> JID {
        try bare.withResource(resource)
    }
}
