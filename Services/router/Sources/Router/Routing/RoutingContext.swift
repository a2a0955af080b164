import Cluster
import Gateway
import XMPPCore

/// One contact of a user's roster, as routing needs it: who, and how presence
/// flows between them (RFC 6121 §2.1.2.5).
public struct RosterContact: Sendable, Hashable {
    public var jid: JID
    public var state: SubscriptionState

    public init(jid: JID, state: SubscriptionState) {
        self.jid = jid
        self.state = state
    }
}

/// Whether a user has offline messages and unanswered subscription requests
/// waiting, so that a login asks storage only for what there is.
public struct WaitingAtLogin: Sendable, Hashable {
    public var offline: Bool
    public var pending: Bool

    public init(offline: Bool, pending: Bool) {
        self.offline = offline
        self.pending = pending
    }

    /// Storage's flags are not known to be complete: ask for everything.
    public static let unknown = WaitingAtLogin(offline: true, pending: true)
}

/// Sessions and block lists (XEP-0191) read together, by bare JID.
public struct AccountReads: Sendable, Hashable {
    public var sessions: [JID: [String: SessionRecord]]
    public var blockLists: [JID: BlockList]

    public init(sessions: [JID: [String: SessionRecord]] = [:], blockLists: [JID: BlockList] = [:]) {
        self.sessions = sessions
        self.blockLists = blockLists
    }
}

/// What the routing rules may look up or ask for. The worker implements it over
/// Redis and the storage service; unit tests implement it over tables.
public protocol RoutingContext: Sendable {
    /// The domains this cluster serves.
    var domains: Set<String> { get }
    /// Whether one-to-one messages are archived (XEP-0313, `archive.enabled`):
    /// stamped with stanza ids, kept by storage, queryable by their owners.
    var archiving: Bool { get }
    /// Every bound session of a user, by resource (`sessions:{bare}`).
    func sessions(of user: JID) async throws -> [String: SessionRecord]
    /// The user's block list (XEP-0191). A list nobody can tell (storage does
    /// not answer while its Redis cache is not ready) reads as empty: blocks
    /// go unenforced for that while rather than routing stopping (docs/routing.md).
    func blockList(of user: JID) async throws -> BlockList
    /// The sessions of some users and the block lists of some, by bare JID
    /// (in the cluster, one pipelined round trip for all of them).
    func read(sessionsOf sessionUsers: [JID], blockListsOf listUsers: [JID]) async throws -> AccountReads
    /// The JIDs `sender` (a full JID) sent directed available presence to.
    func directedPresenceRecipients(of sender: JID) async throws -> [JID]
    /// The user's roster (through the storage service's cache). `pendingIn` is
    /// not filled in: pending requests come from `pendingSubscriptionRequests`.
    func roster(of user: JID) async throws -> [RosterContact]
    /// Who asked to see the user's presence and has no answer yet (RFC 6121 §3.1.3).
    func pendingSubscriptionRequests(to user: JID) async throws -> [JID]
    /// What storage keeps for the user's next login (`waiting:{bare}`):
    /// `WaitingAtLogin.unknown` when storage's flags cannot be trusted.
    func waitingAtLogin(for user: JID) async throws -> WaitingAtLogin
    /// One storage request. `requestID` makes a retried mutation harmless.
    func storage(_ operation: StorageOperation, _ arguments: [String: String], requestID: String) async throws -> StorageReply
}

extension RoutingContext {
    /// One lookup after the other, for contexts that have no cheaper way.
    public func read(sessionsOf sessionUsers: [JID], blockListsOf listUsers: [JID]) async throws -> AccountReads {
        var reads = AccountReads()
        for user in Set(sessionUsers.map(\.bare)) { reads.sessions[user] = try await sessions(of: user) }
        for user in Set(listUsers.map(\.bare)) { reads.blockLists[user] = try await blockList(of: user) }
        return reads
    }
}
