import Cluster
import ClusterIO
import Gateway
import Redis
import XMPPCore

/// The routing context of a router process: sessions from the Redis registry,
/// rosters and block lists from storage's Redis caches, everything else from
/// the storage service.
public struct ClusterRoutingContext: RoutingContext {
    public let domains: Set<String>
    public let archiving: Bool
    let registry: SessionRegistry
    let storage: StorageClient
    let redis: any RedisCommandSender
    let keys: ClusterKeys
    let fallbackPause: BlockListFallbackPause
    /// Kept reads (`nil`: every batch reads Redis).
    let cache: AccountCache?

    /// - Parameter blockListFallbackPause: how long block lists are read as
    ///   empty without asking storage, after storage did not give one in time
    ///   while the Redis cache was not ready.
    public init(
        domains: Set<String>, redis: any RedisCommandSender, keys: ClusterKeys, node: NodeID, storage: StorageClient,
        archiving: Bool = true, blockListFallbackPause: Duration = .seconds(5), cache: AccountCache? = nil
    ) {
        self.domains = domains
        self.archiving = archiving
        self.registry = SessionRegistry(redis: redis, keys: keys, node: node)
        self.storage = storage
        self.redis = redis
        self.keys = keys
        self.fallbackPause = BlockListFallbackPause(length: blockListFallbackPause)
        self.cache = cache
    }

    public func sessions(of user: JID) async throws -> [String: SessionRecord] {
        try await registry.sessions(of: user.bare)
    }

    public func blockList(of user: JID) async throws -> BlockList {
        try await read(sessionsOf: [], blockListsOf: [user]).blockLists[user.bare] ?? .empty
    }

    /// What the account cache keeps, and for the rest one pipeline: `HGETALL
    /// sessions:{bare}` for each session read, and for the block lists `EXISTS
    /// blocklist:ready` and `SMEMBERS blocklist:{bare}` each (an absent set is
    /// an empty list once storage says the sets are complete). Before that —
    /// Redis lost its data, storage is rebuilding — the lists come from
    /// storage, and are not kept. `sessionUsers` may be full JIDs.
    public func read(sessionsOf sessionUsers: [JID], blockListsOf listUsers: [JID]) async throws -> AccountReads {
        guard let cache else { return try await readRedis(sessionsOf: sessionUsers, blockListsOf: listUsers).reads }
        let lookup = cache.lookUp(sessionsOf: sessionUsers, blockListsOf: listUsers)
        RouterMetrics.accountCacheHits.increment(by: lookup.found.sessions.count + lookup.found.blockLists.count)
        guard !lookup.sessionsToRead.isEmpty || !lookup.blockListsToRead.isEmpty else { return lookup.found }
        RouterMetrics.accountCacheMisses.increment(by: lookup.sessionsToRead.count + lookup.blockListsToRead.count)
        let (read, listsComplete) = try await readRedis(sessionsOf: lookup.sessionsToRead, blockListsOf: lookup.blockListsToRead)
        cache.store(read, blockListsComplete: listsComplete, ticket: lookup.ticket)
        var reads = lookup.found
        reads.sessions.merge(read.sessions) { _, new in new }
        reads.blockLists.merge(read.blockLists) { _, new in new }
        return reads
    }

    /// The Redis read of `read(sessionsOf:blockListsOf:)`; `listsComplete` is
    /// false when the lists came from storage.
    private func readRedis(
        sessionsOf sessionUsers: [JID], blockListsOf listUsers: [JID]
    ) async throws -> (reads: AccountReads, listsComplete: Bool) {
        let sessionBares = Array(Set(sessionUsers.map(\.bare)))
        let listBares = Array(Set(listUsers.map(\.bare)))
        var commands = sessionBares.map(registry.readCommand(of:))
        if !listBares.isEmpty {
            commands.append(["EXISTS", keys.blockListsReady])
            commands += listBares.map { ["SMEMBERS", keys.blockList(bare: $0.description)] }
        }
        guard !commands.isEmpty else { return (AccountReads(), true) }
        let replies = try await redis.pipelineExpectingSuccess(commands)
        var reads = AccountReads()
        for (user, reply) in zip(sessionBares, replies) { reads.sessions[user] = SessionRegistry.records(reply) }
        guard !listBares.isEmpty else { return (reads, true) }
        let listReplies = replies.dropFirst(sessionBares.count)
        if listReplies.first?.int == 1 {
            for (user, reply) in zip(listBares, listReplies.dropFirst()) {
                reads.blockLists[user] = BlockList(normalized: (reply.array ?? []).compactMap(\.string))
            }
            return (reads, true)
        }
        reads.blockLists = await blockListsFromStorage(listBares)
        return (reads, false)
    }

    /// The lists storage gives, asked for all at once. One it does not give
    /// in time reads as empty and is counted (`router.blocklists.unknown`),
    /// and storage is not asked again for a while (`BlockListFallbackPause`);
    /// an unknown account has nothing blocked.
    private func blockListsFromStorage(_ users: [JID]) async -> [JID: BlockList] {
        if fallbackPause.isPaused {
            RouterMetrics.blockListsUnknown.increment(by: users.count)
            return Dictionary(uniqueKeysWithValues: users.map { ($0, BlockList.empty) })
        }
        return await withTaskGroup(of: (JID, BlockList).self) { group in
            for user in users {
                group.addTask { [storage, fallbackPause] in
                    do {
                        return (user, BlockList(normalized: try await storage.blockList(user: user.description)))
                    } catch StorageClientError.rejected {
                        return (user, .empty)
                    } catch {
                        RouterMetrics.blockListsUnknown.increment()
                        fallbackPause.pause()
                        return (user, .empty)
                    }
                }
            }
            var lists: [JID: BlockList] = [:]
            for await (user, list) in group { lists[user] = list }
            return lists
        }
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
