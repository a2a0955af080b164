/// The names of every Redis key Trellis uses, under one configurable prefix.
///
/// Each key that one command or transaction touches together with another carries
/// the same `{hash tag}`, so that a later move to Redis Cluster keeps those
/// operations on one shard: a node's liveness record, its session index and its
/// delivery stream all carry `{<node id>}`. The full list, with types and owners, is
/// in `docs/redis-protocol.md`.
public struct ClusterKeys: Sendable, Hashable {
    /// The prefix every key starts with (default `trellis:`).
    public let prefix: String

    public init(prefix: String = "trellis:") {
        self.prefix = prefix
    }

    /// Set of the ids of every node that announced itself.
    public var nodes: String { prefix + "nodes" }

    /// Hash describing one live node (role, addresses, vroute); expires unless refreshed.
    public func node(_ id: NodeID) -> String { prefix + "node:{\(id.rawValue)}" }

    /// Set of the full JIDs a node hosts.
    public func nodeSessions(_ id: NodeID) -> String { prefix + "node:{\(id.rawValue)}:sessions" }

    /// Stream of deliveries to a gateway node (consumer group `gateway`).
    public func deliveries(_ id: NodeID) -> String { prefix + "deliver:{\(id.rawValue)}" }

    /// Hash of resource → session record for one bare JID.
    public func sessions(bare: String) -> String { prefix + "sessions:{\(bare)}" }

    /// Stream of inbound stanzas for one routing partition (consumer group `routers`).
    public func route(partition: Int) -> String { prefix + "route:{\(partition)}" }

    /// The partition of a `route(partition:)` stream name, or `nil` for
    /// another key.
    public func partition(ofRoute stream: String) -> Int? {
        let start = prefix + "route:{"
        guard stream.hasPrefix(start), stream.hasSuffix("}") else { return nil }
        return Int(stream.dropFirst(start.count).dropLast())
    }

    /// Lease on one routing partition: holds the owning router's node id, with a TTL.
    public func routeLease(partition: Int) -> String { prefix + "lease:route:{\(partition)}" }

    /// Stream of requests to the storage service (consumer group `storage`).
    public var storageRequests: String { prefix + "storage:requests" }

    /// List a node BLPOPs for replies to the storage requests it made.
    public func replies(_ id: NodeID) -> String { prefix + "reply:{\(id.rawValue)}" }

    /// Consumer group of the storage service on `storageRequests`.
    public static let storageGroup = "storage"

    /// Read cache of one user's roster, kept by the storage service: a hash of
    /// contact bare JID → compact JSON item, plus `rosterCacheVersionField`.
    /// Absent means "not cached" (ask storage with `roster.get`, which rebuilds it).
    public func rosterCache(bare: String) -> String { prefix + "roster:{\(bare)}" }

    /// Read cache of one account's SCRAM credentials, kept by the storage
    /// service: a hash of mechanism (`scram-sha-1`, `scram-sha-256`) → the
    /// RFC 5803 text of salt, iteration count, StoredKey and ServerKey — never
    /// a password. Absent means "not cached" (ask storage with
    /// `account.credentials`, which fills it); gateways read it at every login.
    public func credentialsCache(bare: String) -> String { prefix + "credentials:{\(bare)}" }

    /// The field of `rosterCache(bare:)` holding the roster version (XEP-0237).
    /// A bare JID never starts with `@`, so it cannot collide with a contact.
    public static let rosterCacheVersionField = "@version"

    /// What waits for a user's next login, kept by the storage service: a hash
    /// with field `offline` (stored offline messages) and/or `pending` (inbound
    /// subscription requests without an answer); absent means nothing waits.
    /// Routers trust it only while `waitingReady` exists.
    public func waiting(bare: String) -> String { prefix + "waiting:{\(bare)}" }

    /// Set by the storage service once every `waiting:{bare}` hash matches the
    /// database (after each (re)connection to Redis). Without it, routers ask
    /// storage at every login, as if something waited.
    public var waitingReady: String { prefix + "waiting:ready" }

    /// One user's block list (XEP-0191), kept by the storage service: a set of
    /// the blocked JIDs, normalised; absent when the list is empty. Routers
    /// trust an absent key to mean "nothing blocked" only while
    /// `blockListsReady` exists.
    public func blockList(bare: String) -> String { prefix + "blocklist:{\(bare)}" }

    /// Set by the storage service once every `blocklist:{bare}` set matches the
    /// database (after each (re)connection to Redis). Without it, routers ask
    /// storage for the block lists they need.
    public var blockListsReady: String { prefix + "blocklist:ready" }

    /// Which gateway node owns a BOSH session.
    public func boshSession(sid: String) -> String { prefix + "bosh:{\(sid)}" }

    /// Lock a router takes before sweeping a dead node.
    public func sweepLock(_ id: NodeID) -> String { prefix + "sweep:{\(id.rawValue)}" }

    /// The JIDs a session sent directed available presence to (RFC 6121 §4.6),
    /// which get its unavailable presence too. Tagged with the bare JID, like
    /// `sessions:{bare}`.
    public func directedPresence(bare: String, resource: String) -> String {
        prefix + "directed:{\(bare)}/\(resource)"
    }

    /// Failed SASL attempts on an account, across connections and gateways
    /// (a counter with a TTL).
    public func authenticationFailures(bare: String) -> String { prefix + "authfail:{\(bare)}" }

    /// XEP-0198: the state a resumable session needs on any gateway (its
    /// counters, owner and full JID), a hash tagged with the bare JID. Its
    /// unacknowledged stanzas are in `resumptionQueue`.
    public func resumption(bare: String, id: String) -> String { prefix + "sm:{\(bare)}:\(id)" }

    /// XEP-0198: the stanzas sent to a managed session and not acknowledged
    /// yet, oldest first (a list of client-stream wire texts).
    public func resumptionQueue(bare: String, id: String) -> String { prefix + "sm:{\(bare)}:\(id):q" }

    /// XEP-0198: when each managed session expires unless its gateway keeps it
    /// alive (sorted set; score: Redis time in ms; member: `resumptionMember`).
    public var resumptionDeadlines: String { prefix + "sm:deadlines" }

    /// The member of `resumptionDeadlines` naming one managed session.
    public static func resumptionMember(bare: String, id: String) -> String { bare + " " + id }

    /// Pub/sub channel for hints that may be lost (cache invalidations).
    public var hintsChannel: String { prefix + "hints" }
}
