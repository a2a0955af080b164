import Cluster
import Redis
import XMPPCore

/// Rosters (RFC 6121 §2, XEP-0237) and subscriptions (RFC 6121 §3).
extension StorageClient {
    /// The roster of `user` from storage (which also rebuilds the Redis cache).
    public func roster(user: String) async throws(StorageClientError) -> RosterSnapshot {
        guard let snapshot = RosterSnapshot(result: try await result(.rosterGet, arguments: ["user": user])) else {
            throw .malformedReply("roster.get")
        }
        return snapshot
    }

    /// The roster of `user` from the `roster:{bare}` cache, or from storage on a
    /// miss (which fills the cache for the next reader).
    public func cachedRoster(user: String) async throws(StorageClientError) -> RosterSnapshot {
        let fields: [String: String]?
        do {
            fields = try await redis.send("HGETALL", keys.rosterCache(bare: user)).fieldDictionary
        } catch {
            throw .unavailable("\(error)")
        }
        if let fields, let snapshot = Self.snapshot(cacheFields: fields) { return snapshot }
        return try await roster(user: user)
    }

    /// Reads a cache hash; `nil` when it is absent or unreadable (treated as a miss).
    public static func snapshot(cacheFields fields: [String: String]) -> RosterSnapshot? {
        guard let version = fields[ClusterKeys.rosterCacheVersionField].flatMap({ Int64($0) }) else { return nil }
        var items: [RosterItemRecord] = []
        for (contact, json) in fields where contact != ClusterKeys.rosterCacheVersionField {
            guard let item = RosterItemRecord(json: json) else { return nil }
            items.append(item)
        }
        return RosterSnapshot(version: version, items: items.sorted { $0.jid < $1.jid })
    }

    /// Adds or updates an item from a client's roster set (`<item jid='…' name='…'><group/></item>`).
    /// The subscription attributes of `item` are ignored (RFC 6121 §2.1.5).
    public func setRosterItem(user: String, item: XMLElement) async throws(StorageClientError) -> RosterPush {
        try await push(.rosterSetItem, ["user": user, "xml": item.serialized()])
    }

    /// Removes the item for `contact`; the push carries the item as it was, so the
    /// router knows which `unsubscribe`/`unsubscribed` to send (RFC 6121 §2.5.2).
    public func removeRosterItem(user: String, contact: String) async throws(StorageClientError) -> RosterPush {
        try await push(.rosterRemoveItem, ["user": user, "contact": contact])
    }

    private func push(_ operation: StorageOperation, _ arguments: [String: String]) async throws(StorageClientError) -> RosterPush {
        guard let push = RosterPush(storageValue: .object(try await result(operation, arguments: arguments))) else {
            throw .malformedReply(operation.rawValue)
        }
        return push
    }

    /// Applies a subscription stanza to both users' states at once (RFC 6121
    /// Appendix A). `stanza` (the `<presence type='subscribe'/>`) is kept as the
    /// pending request when the recipient is local.
    public func applySubscription(
        user: String, contact: String, event: PresenceType, direction: SubscriptionDirection = .outbound,
        stanza: XMLElement? = nil
    ) async throws(StorageClientError) -> SubscriptionOutcome {
        var arguments = ["user": user, "contact": contact, "event": event.rawValue, "direction": direction.rawValue]
        if let stanza { arguments["xml"] = stanza.serialized() }
        guard let outcome = SubscriptionOutcome(result: try await result(.subscriptionApply, arguments: arguments)) else {
            throw .malformedReply("subscription.apply")
        }
        return outcome
    }

    /// Subscription requests to `user` not yet answered, oldest first, to deliver
    /// again at login (RFC 6121 §3.1.3).
    public func pendingSubscriptions(user: String) async throws(StorageClientError) -> [PendingSubscription] {
        guard let list = try await result(.subscriptionPending, arguments: ["user": user])["requests"]?.list else {
            throw .malformedReply("subscription.pending")
        }
        return list.compactMap(PendingSubscription.init(storageValue:))
    }
}
