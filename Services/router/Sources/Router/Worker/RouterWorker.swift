import Cluster
import ClusterIO
import Gateway
import Logging
import Redis
import ServiceLifecycle
import XMPPCore

/// A router process's work: keep partition leases, route the entries of the
/// partitions it holds in order, and queue each entry's deliveries in the same
/// `MULTI` as its `XACK` (docs/routing.md). The partitions are split over
/// shards, one per event loop (`RouterShard`); the leases are kept on the
/// process's own Redis client.
public final class RouterWorker: Service, Sendable {
    public static let group = "routers"

    let redis: RedisClient
    let keys: ClusterKeys
    let shards: [RouterShard]
    let accountCache: AccountCache?
    let leases: PartitionLeaseKeeper
    let partitions: Int
    let batchSize: Int
    let beatInterval: Duration
    let logger: Logger

    public init(
        redis: RedisClient, keys: ClusterKeys, node: NodeID, partitions: Int, batchSize: Int,
        shards: [RouterShard], accountCache: AccountCache? = nil, logger: Logger, leaseDuration: Duration = .seconds(5),
        beatInterval: Duration = .seconds(1)
    ) {
        precondition(!shards.isEmpty, "a router needs a shard")
        self.redis = redis
        self.keys = keys
        self.shards = shards
        self.accountCache = accountCache
        self.partitions = partitions
        self.batchSize = batchSize
        self.beatInterval = beatInterval
        self.logger = logger
        self.leases = PartitionLeaseKeeper(
            redis: redis, keys: keys,
            leases: PartitionLeases(me: node, assignment: PartitionAssignment(partitions: partitions), leaseDuration: leaseDuration))
    }

    public func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.keepLeases() }
            for shard in shards {
                group.addTask(executorPreference: shard.executor) { await self.consume(shard) }
            }
            await group.waitForAll()
        }
        await leases.releaseAll()
    }

    // MARK: Leases

    func keepLeases() async {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await leases.beat()
            } catch {
                logger.warning("partition leases: redis unavailable", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: beatInterval)
        }
    }

    // MARK: Consuming

    /// Reads and routes the partitions of `shard` it holds, on the shard's
    /// client, until shutdown.
    func consume(_ shard: RouterShard) async {
        var groupsReady = false
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                if !groupsReady {
                    // The shard's client connects beside this task (at start, after a drop).
                    guard shard.redis.isConnected else {
                        try await Task.sleep(for: .milliseconds(20))
                        continue
                    }
                    try await createGroups(shard)
                    groupsReady = true
                }
                try await cancelWhenGracefulShutdown {
                    try await shard.redis.withDedicatedConnection { connection in
                        while !Task.isCancelled {
                            try await self.claimTakenOverPartitions(shard)
                            let owned = self.leases.processable().filter(shard.owns)
                            guard !owned.isEmpty else {
                                try await Task.sleep(for: .milliseconds(100))
                                continue
                            }
                            let batches = try await connection.xreadgroup(
                                group: Self.group, consumer: self.leases.me.rawValue,
                                streams: owned.map { (self.keys.route(partition: $0), ">") }, count: self.batchSize,
                                block: .milliseconds(500))
                            try await self.processConcurrently(batches, shard: shard)
                        }
                    }
                }
            } catch is CancellationError {
                break
            } catch {
                if Task.isCancelled || Task.isShuttingDownGracefully { break }
                groupsReady = false
                // A batch may have been read and not committed (or its commit
                // lost in a Sentinel failover): its entries are still pending
                // for this router, so claim them before reading new ones.
                leases.markHeldUnclaimed()
                logger.warning("routing paused: redis unavailable", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(500))
            }
        }
    }

    func createGroups(_ shard: RouterShard) async throws {
        for partition in 0..<partitions where shard.owns(partition) {
            try await shard.redis.xgroupCreate(keys.route(partition: partition), group: Self.group, startAt: "0")
        }
    }

    /// A partition this router just took over may hold entries its previous
    /// owner read but never acknowledged (it died): route those first, in order.
    /// This router's own pending entries (after a Redis drop) are among them.
    func claimTakenOverPartitions(_ shard: RouterShard) async throws {
        for partition in leases.takeUnclaimed(where: shard.owns).sorted() {
            let stream = keys.route(partition: partition)
            var cursor = "0-0"
            repeat {
                let claimed = try await shard.redis.xautoclaim(
                    stream, group: Self.group, consumer: leases.me.rawValue, minIdle: .zero, start: cursor, count: batchSize)
                try await process(claimed.entries, stream: stream, shard: shard)
                cursor = claimed.next
            } while cursor != "0-0"
        }
    }

    /// Routes the batches of different partitions side by side: order only
    /// matters within a partition (one sender's stanzas, RFC 6120 §10.1), and
    /// each entry's routing waits on Redis round trips, so one partition at a
    /// time left the router idle between them. Every batch runs to its end even
    /// when another fails; the first error is then rethrown.
    func processConcurrently(_ batches: [RedisStreamBatch], shard: RouterShard) async throws {
        guard batches.count > 1 else {
            for batch in batches { try await process(batch.entries, stream: batch.stream, shard: shard) }
            return
        }
        let failure = await withTaskGroup(of: (any Error)?.self) { group in
            for batch in batches {
                group.addTask(executorPreference: shard.executor) {
                    do {
                        try await self.process(batch.entries, stream: batch.stream, shard: shard)
                        return nil
                    } catch {
                        return error
                    }
                }
            }
            var first: (any Error)?
            for await error in group where first == nil { first = error }
            return first
        }
        if let failure { throw failure }
    }

    /// Routes entries of one partition strictly in order. An entry whose routing
    /// needs a part of the cluster that is away stays pending, and so do the
    /// ones after it (RFC 6120 §10.1 order): the error surfaces and the loop
    /// comes back to them through the claim on the next pass.
    ///
    /// Consecutive entries are committed together, in one `MULTI` with their
    /// deliveries and acknowledgements (one round trip instead of one per
    /// entry). A batch is committed before an entry that reads what an earlier
    /// one writes (directed presence), before giving up the partition, and
    /// before an error surfaces, so what was routed is never routed twice.
    func process(_ entries: [RedisStreamEntry], stream: String, shard: RouterShard) async throws {
        guard let partition = keys.partition(ofRoute: stream) else { return }
        let context = shard.context
        let domains = context.domains
        var batch = CommitBatch()
        let routeEntries = entries.map { RouteEntry($0, stream: stream, partition: partition) }
        // A gateway handed these back: the session they were for ended or
        // moved, so what a cache kept about it is not to be trusted.
        for case let returned? in routeEntries.map({ $0?.undelivered }) { accountCache?.forget(returned.bare) }
        let lookups = AccountLookups()
        await lookups.readAhead(
            sessionsOf: routeEntries.flatMap { $0?.usersToLookUp(domains: domains) ?? [] },
            blockListsOf: routeEntries.flatMap { $0?.blockListsToLookUp(domains: domains) ?? [] },
            context: context)
        for (entry, routeEntry) in zip(entries, routeEntries) {
            guard leases.mayProcess(partition) else {
                // The lease is at risk: leave the rest pending; whoever holds
                // the partition next (maybe this router) claims them first.
                try await commit(&batch, stream: stream, redis: shard.redis)
                leases.markUnclaimed(partition)
                return
            }
            let started = ContinuousClock.now
            var outbox = Outbox()
            if let routeEntry {
                if routeEntry.readsDirectedPresence { try await commit(&batch, stream: stream, redis: shard.redis) }
                var pass = RoutingPass(entry: routeEntry, context: context, lookups: lookups)
                do {
                    try await pass.route()
                } catch {
                    try await commit(&batch, stream: stream, redis: shard.redis)
                    leases.markUnclaimed(partition)
                    RouterMetrics.retries.increment()
                    throw error
                }
                outbox = pass.outbox
            } else {
                logger.error("dropping a malformed route entry", metadata: ["entry.id": "\(entry.id)"])
            }
            batch.add(outbox, id: entry.id, started: started)
            if !outbox.changes.isEmpty { try await commit(&batch, stream: stream, redis: shard.redis) }
        }
        try await commit(&batch, stream: stream, redis: shard.redis)
    }

    /// Routed entries waiting for their commit.
    struct CommitBatch {
        var outboxes: [Outbox] = []
        var ids: [String] = []
        var started: [ContinuousClock.Instant] = []

        mutating func add(_ outbox: Outbox, id: String, started instant: ContinuousClock.Instant) {
            outboxes.append(outbox)
            ids.append(id)
            started.append(instant)
        }
    }

    /// The one `archive.append` request (no reply) for every message the
    /// commit's entries archived, in entry order; `nil` when they archived
    /// none. One request per commit rather than per message keeps storage's
    /// per-request work (a stream entry, a savepoint) off each message.
    static func archiveCommand(
        for outboxes: [Outbox], stream: String, ids: [String], keys: ClusterKeys
    ) -> [any RESPArgument]? {
        let archived = outboxes.flatMap(\.archived)
        guard let first = ids.first, let last = ids.last, !archived.isEmpty else { return nil }
        let request = StorageRequest(
            id: "\(stream)/\(first)..\(last):archive", operation: .archiveAppend, replyTo: StorageRequest.noReply,
            sentAtMilliseconds: archived[0].id.milliseconds, arguments: ArchiveAppend.arguments(archived))
        return RedisStreamCommand.xadd(keys.storageRequests, fields: request.fields)
    }

    /// Queues the batch's deliveries, archived messages and changes, in entry order, and
    /// acknowledges and deletes its entries, in one transaction.
    func commit(_ batch: inout CommitBatch, stream: String, redis: RedisClient) async throws {
        guard !batch.ids.isEmpty else { return }
        var commands: [[any RESPArgument]] = []
        for outbox in batch.outboxes { commands += Self.commands(for: outbox, keys: keys) }
        if let archive = Self.archiveCommand(for: batch.outboxes, stream: stream, ids: batch.ids, keys: keys) {
            commands.append(archive)
        }
        let ids = batch.ids.map { $0 as any RESPArgument }
        commands.append(["XACK", stream, Self.group] + ids)
        commands.append(["XDEL", stream] + ids)
        if let replicaWait = redis.configuration.replicaWait {
            // The commit and the WAIT in one write: the deliveries and the
            // acknowledgement are on the replicas before the next batch.
            let (_, waited) = try await redis.transaction(commands, followedBy: replicaWait.command)
            if !replicaWait.isSatisfied(by: waited) { RouterMetrics.replicaWaitShortfalls.increment() }
        } else {
            _ = try await redis.transaction(commands)
        }
        let now = ContinuousClock.now
        RouterMetrics.entries.increment(by: batch.ids.count)
        RouterMetrics.deliveries.increment(by: batch.outboxes.reduce(0) { $0 + $1.outgoing.count })
        for started in batch.started {
            let elapsed = now - started
            RouterMetrics.routeTime.recordNanoseconds(
                elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
        }
        batch = CommitBatch()
    }

    /// The deliveries and registry changes of one routed entry.
    static func commands(for outbox: Outbox, keys: ClusterKeys) -> [[any RESPArgument]] {
        var commands: [[any RESPArgument]] = []
        for outgoing in outbox.outgoing {
            guard let node = NodeID(outgoing.node) else { continue }
            commands.append(RedisStreamCommand.xadd(keys.deliveries(node), fields: outgoing.delivery.fields))
        }
        for change in outbox.changes {
            switch change {
            case .directedPresenceSent(let sender, let recipient):
                commands.append(["SADD", keys.directedPresence(of: sender), recipient.description])
            case .directedPresenceWithdrawn(let sender, let recipient):
                commands.append(["SREM", keys.directedPresence(of: sender), recipient.description])
            case .directedPresenceCleared(let sender):
                commands.append(["DEL", keys.directedPresence(of: sender)])
            }
        }
        return commands
    }
}
