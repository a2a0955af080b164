import Cluster
import ClusterIO
import Gateway
import Redis
import XMPPCore

/// The routing context of a router process: sessions from the Redis registry,
/// rosters from storage's Redis cache, everything else from the storage service.
public struct ClusterRoutingContext: RoutingContext {
    public let domains: Set<String>
    let registry: SessionRegistry
    let storage: StorageClient
    let redis: any RedisCommandSender
    let keys: ClusterKeys

    public init(domains: Set<String>, redis: any RedisCommandSender, keys: ClusterKeys, node: NodeID, storage: StorageClient) {
        self.domains = domains
        self.registry = SessionRegistry(redis: redis, keys: keys, node: node)
        self.storage = storage
        self.redis = redis
        self.keys = keys
    }

    public func sessions(of user: JID) async throws -> [String: SessionRecord] {
        try await registry.sessions(of: user.bare)
    }

    public func sessions(of users: [JID]) async throws -> [JID: [String: SessionRecord]] {
        try await registry.sessions(of: users)
    }

    public func directedPresenceRecipients(of sender: JID) async throws -> [JID] {
        (try await redis.send(["SMEMBERS", keys.directedPresence(of: sender)]).array ?? []).compactMap {
            $0.string.flatMap { try? JID($0) }
        }
    }

    /// From the `roster:{bare}` cache (storage on a miss): no storage round trip
    /// per presence broadcast.
    public func roster(of user: JID) async throws -> [RosterContact] {
        let snapshot: RosterSnapshot
        do {
            snapshot = try await storage.cachedRoster(user: user.bare.description)
        } catch {
            throw Self.translate(error)
        }
        return snapshot.items.compactMap { item in
            guard let jid = try? JID(item.jid) else { return nil }
            return RosterContact(jid: jid, state: item.state(pendingIn: false))
        }
    }

    public func pendingSubscriptionRequests(to user: JID) async throws -> [JID] {
        do {
            return try await storage.pendingSubscriptions(user: user.bare.description).compactMap { try? JID($0.contact) }
        } catch {
            throw Self.translate(error)
        }
    }

    /// `waiting:{bare}`, trusted only while storage says its flags are
    /// complete (`waiting:ready`).
    public func waitingAtLogin(for user: JID) async throws -> WaitingAtLogin {
        let replies = try await redis.pipeline([
            ["EXISTS", keys.waitingReady], ["HMGET", keys.waiting(bare: user.bare.description), "offline", "pending"],
        ])
        guard replies.count == 2, replies[0].int == 1, let fields = replies[1].array, fields.count == 2 else {
            return .unknown
        }
        return WaitingAtLogin(offline: !fields[0].isNull, pending: !fields[1].isNull)
    }

    public func storage(_ operation: StorageOperation, _ arguments: [String: String], requestID: String) async throws -> StorageReply {
        do {
            return try await storage.request(operation, arguments: arguments, id: requestID)
        } catch {
            throw Self.translate(error)
        }
    }

    /// A timeout becomes `StorageCallError.timedOut` (the request is queued);
    /// anything that kept the request from being queued propagates, so the
    /// entry is routed again later.
    static func translate(_ error: StorageClientError) -> any Error {
        switch error {
        case .timeout: StorageCallError.timedOut
        case .rejected(let condition, let text):
            StorageCallError.refused(StanzaError(StanzaError.Condition(rawValue: condition) ?? .internalServerError, text: text))
        default: error
        }
    }
}

extension ClusterKeys {
    /// `directed:{bare}/resource` of a session's full JID: read by the
    /// routing rules, written in the worker's commits.
    func directedPresence(of sender: JID) -> String {
        directedPresence(bare: sender.bare.description, resource: sender.resourcepart ?? "")
    }
}
