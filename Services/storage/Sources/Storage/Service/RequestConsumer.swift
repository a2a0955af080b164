#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Cluster
import ClusterIO
import GRDB
import Logging
import Redis
import ServiceLifecycle

/// The storage service's loop over `storage:requests` (consumer group `storage`).
///
/// On every (re)connection it first claims and answers every entry still
/// pending in the group, whoever read it (`XAUTOCLAIM`, idle 0: storage is the
/// single writer, so pending entries belong to a crashed or restarted
/// incarnation of itself). Then it reads new entries in batches with
/// `XREADGROUP … BLOCK` on a dedicated connection.
///
/// For each batch: execute in one SQLite transaction (`RequestExecutor`),
/// rewrite the roster caches and block lists the batch touched, push each
/// reply (`LPUSH` + `PEXPIRE` on the requester's list), then `XACK` + `XDEL`
/// the entries. A crash
/// anywhere before the acknowledgement leaves the entries pending; they are
/// answered again after the restart, and mutations, being idempotent by
/// request id, return their first reply without being applied twice.
///
/// A graceful shutdown lets the batch in hand finish, then returns.
final class RequestConsumer: Service, Sendable {
    struct Settings: Sendable {
        var consumer: String
        var batchSize: Int = 64
        /// How long one XREADGROUP blocks; bounds how late a shutdown is noticed.
        var pollInterval: Duration = .milliseconds(500)
        /// How long a reply list lives after the last push: requesters that
        /// gave up leave nothing behind.
        var replyTTL: Duration = .seconds(10)
        /// Reads older than this are acknowledged unanswered: the requester has
        /// timed out and nobody waits for the result. 0 answers every read.
        var staleReadMilliseconds: Int64 = 10_000
    }

    private let database: DatabaseQueue
    private let redis: RedisClient
    private let keys: ClusterKeys
    private let executor: RequestExecutor
    private let settings: Settings
    private let cache: RosterCache
    private let credentials: CredentialsCache
    private let waiting: WaitingFlags
    private let blockLists: BlockListCache
    private let logger: Logger

    init(
        database: DatabaseQueue, redis: RedisClient, keys: ClusterKeys, executor: RequestExecutor,
        settings: Settings, logger: Logger
    ) {
        self.database = database
        self.redis = redis
        self.keys = keys
        self.executor = executor
        self.settings = settings
        self.cache = RosterCache(keys: keys)
        self.credentials = CredentialsCache(keys: keys)
        self.waiting = WaitingFlags(keys: keys)
        self.blockLists = BlockListCache(keys: keys)
        self.logger = logger
    }

    func run() async throws {
        var attempt = 0
        var lastPrune = ContinuousClock.now - .seconds(3600)
        var expiry = ArchiveExpiry()
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await redis.withDedicatedConnection { connection in
                    try await connection.xgroupCreate(keys.storageRequests, group: ClusterKeys.storageGroup, startAt: "0")
                    // Routers ask storage at every login, and for block lists,
                    // until the caches are rebuilt (Redis may have lost them, or
                    // this process died mid-batch).
                    _ = try await connection.send(["DEL", keys.waitingReady, keys.blockListsReady])
                    try await claimPending(connection)
                    try await waiting.rebuild(from: database, to: connection)
                    try await blockLists.rebuild(from: database, to: connection)
                    if attempt > 0 { logger.info("storage consumer resumed") }
                    attempt = 0
                    // Up to 8 reads' worth of archive appends, 100 ms at most.
                    var deferred = DeferredRequests(maxEntries: 8 * settings.batchSize)
                    while !Task.isCancelled && !Task.isShuttingDownGracefully {
                        let batches = try await connection.xreadgroup(
                            group: ClusterKeys.storageGroup, consumer: settings.consumer,
                            streams: [(keys.storageRequests, ">")], count: settings.batchSize,
                            block: deferred.readTimeout(settings.pollInterval, now: .now))
                        let read = batches.flatMap(\.entries)
                        let entries = deferred.take(read, now: .now)
                        if !entries.isEmpty {
                            try await process(entries)
                        } else if read.isEmpty, ContinuousClock.now - lastPrune > .seconds(600) {
                            lastPrune = .now
                            try await prune()
                        }
                        let expired = try await expiry.runIfDue(database: database, limits: executor.limits)
                        if expired > 0 {
                            logger.debug("expired archived messages", metadata: ["storage.expired": "\(expired)"])
                        }
                    }
                    // A graceful shutdown commits what it holds.
                    let held = deferred.flush()
                    if !held.isEmpty { try await process(held) }
                }
            } catch {
                if attempt == 0 || attempt % 20 == 0 {
                    logger.warning("storage consumer interrupted", metadata: ["error": "\(error)"])
                }
            }
            if Task.isCancelled || Task.isShuttingDownGracefully { break }
            let delay = redis.configuration.backoff.delay(attempt: attempt)
            attempt += 1
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: delay) }
        }
        logger.info("storage consumer stopped")
    }

    /// Answers every entry pending in the group, oldest first.
    private func claimPending(_ connection: RedisConnection) async throws {
        var cursor = "0-0"
        var claimed = 0
        repeat {
            let (next, entries) = try await connection.xautoclaim(
                keys.storageRequests, group: ClusterKeys.storageGroup, consumer: settings.consumer, minIdle: .zero,
                start: cursor, count: settings.batchSize)
            if !entries.isEmpty { try await process(entries) }
            claimed += entries.count
            cursor = next
        } while cursor != "0-0"
        if claimed > 0 { logger.info("answered pending storage requests", metadata: ["storage.claimed": "\(claimed)"]) }
    }

    /// One batch: execute, refresh caches, reply, acknowledge.
    func process(_ entries: [RedisStreamEntry]) async throws {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let batch = RequestBatch(
            entries: entries, now: now, staleReadMilliseconds: settings.staleReadMilliseconds,
            replyPrefix: keys.prefix + "reply:{")
        for problem in batch.problems {
            logger.warning("bad storage request", metadata: ["stream.id": .string(problem.entryID), "error": .string(problem.reason)])
        }
        var replies: [StorageReply]
        do {
            let requests = batch.requests
            replies = try await database.write { [executor] db in try executor.execute(requests, now: now, in: db) }
        } catch {
            logger.error("storage batch failed", metadata: ["error": "\(error)"])
            replies = batch.requests.map { .failure(id: $0.id, condition: "internal-server-error") }
        }
        try await refreshCaches(for: batch.requests)
        try await refreshCredentials(for: batch.requests)
        try await blockLists.refresh(users(of: batch.requests, BlockListCache.users(of:)), from: database, to: redis)

        // What waits at login is flagged before anyone hears of the change.
        var commands = try await waitingCommands(for: batch.requests)
        let ttl = Int(settings.replyTTL.components.seconds * 1000)
        for (request, reply) in zip(batch.requests, replies) where request.expectsReply {
            commands.append(["LPUSH", request.replyTo, reply.encoded()])
            commands.append(["PEXPIRE", request.replyTo, ttl])
        }
        for (request, reply) in zip(batch.requests, replies) where !request.expectsReply && !reply.ok {
            logger.warning(
                "storage request refused",
                metadata: ["storage.op": .string(request.operation.rawValue), "error": .string(reply.error ?? "")])
        }
        for (replyTo, reply) in batch.rejected {
            commands.append(["LPUSH", replyTo, reply.encoded()])
            commands.append(["PEXPIRE", replyTo, ttl])
        }
        let ids = entries.map { $0.id as any RESPArgument }
        commands.append(["XACK", keys.storageRequests, ClusterKeys.storageGroup] + ids)
        commands.append(["XDEL", keys.storageRequests] + ids)
        _ = try await redis.pipelineExpectingSuccess(commands)
    }

    /// The users `affected` names for any of `requests`, each once, in order.
    private func users(of requests: [StorageRequest], _ affected: (StorageRequest) -> [String]) -> [String] {
        var users: [String] = []
        for request in requests {
            for user in affected(request) where !users.contains(user) { users.append(user) }
        }
        return users
    }

    private func refreshCaches(for requests: [StorageRequest]) async throws {
        let users = users(of: requests, RequestExecutor.rosterUsers(of:))
        guard !users.isEmpty else { return }
        let snapshots = try await database.read { [users] db in
            try users.map { user in
                try AccountOperations.exists(user, in: db) ? RosterTable.snapshot(of: user, in: db) : nil
            }
        }
        for (user, snapshot) in zip(users, snapshots) {
            try await cache.write(user: user, snapshot: snapshot, to: redis)
        }
    }

    /// Rewrites the `credentials:{bare}` caches of the accounts `requests`
    /// touched or asked for, in one transaction.
    private func refreshCredentials(for requests: [StorageRequest]) async throws {
        let users = users(of: requests, CredentialsCache.users(of:))
        guard !users.isEmpty else { return }
        let stored = try await database.read { [users] db in
            try users.map { try AccountOperations.allCredentials(of: $0, in: db) }
        }
        _ = try await redis.transaction(zip(users, stored).flatMap { credentials.commands(user: $0, credentials: $1) })
    }

    /// Rewrites the `waiting:{bare}` flags of the users `requests` may have changed.
    private func waitingCommands(for requests: [StorageRequest]) async throws -> [[any RESPArgument]] {
        let users = users(of: requests, WaitingFlags.users(of:))
        guard !users.isEmpty else { return [] }
        let flags = try await database.read { [users] db in try users.map { try WaitingFlags.flags(of: $0, in: db) } }
        return zip(users, flags).flatMap { waiting.commands(user: $0, flags: $1) }
    }

    private func prune() async throws {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let retention = executor.limits.appliedRetentionMilliseconds
        let pruned = try await database.write { db in try AppliedRequests.prune(olderThan: retention, now: now, in: db) }
        if pruned > 0 { logger.debug("pruned applied requests", metadata: ["storage.pruned": "\(pruned)"]) }
    }
}
