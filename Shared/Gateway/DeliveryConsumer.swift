import Cluster
import Logging
import Redis
import Runtime
import ServiceLifecycle
import XMPPCore

/// Reads this gateway's `deliver:{node}` stream and writes each entry to its
/// local session, acknowledging (`XACK`) a batch once every write in it is
/// done, and deletes it. A delivery for a session that is no longer here goes back to the
/// routers (field `undelivered`), which apply RFC 6121 §8.5.3 (another
/// resource, offline storage, or an error).
///
/// The consumer runs on the event loop of its Redis connection
/// (`EventLoopTaskExecutor`), like a router shard: a read's reply resumes it
/// on that thread, and so do the writes to sessions whose connections share
/// the loop; nothing on the delivery path hops through the concurrency pool.
public final class DeliveryConsumer: Service, Sendable {
    static let group = "gateway"

    let redis: RedisClient
    let keys: ClusterKeys
    let node: NodeID
    let sessions: LocalSessions
    let routes: RouteQueue
    let logger: Logger
    let batchSize: Int

    public init(
        redis: RedisClient, keys: ClusterKeys, node: NodeID, sessions: LocalSessions, routes: RouteQueue,
        logger: Logger, batchSize: Int = 256
    ) {
        self.redis = redis
        self.keys = keys
        self.node = node
        self.sessions = sessions
        self.routes = routes
        self.logger = logger
        self.batchSize = batchSize
    }

    public func run() async throws {
        let key = keys.deliveries(node)
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await redis.xgroupCreate(key, group: Self.group, startAt: "0")
                try await cancelWhenGracefulShutdown {
                    try await self.redis.withDedicatedConnection { connection in
                        try await withTaskExecutorPreference(EventLoopTaskExecutor(connection.eventLoop)) {
                            // Entries read but not acknowledged before a Redis drop come first.
                            var cursor = "0"
                            // What was written to the clients is acknowledged and
                            // deleted in the same round trip as the next read, so the
                            // stream only ever holds what was not written yet (what the
                            // sweeper hands back if this node dies).
                            var acknowledge: [[any RESPArgument]] = []
                            while !Task.isCancelled {
                                let batches = try await connection.xreadgroup(
                                    after: acknowledge, group: Self.group, consumer: self.node.rawValue,
                                    streams: [(key, cursor)], count: self.batchSize, block: .seconds(1))
                                acknowledge = []
                                let entries = batches.flatMap(\.entries)
                                if cursor == "0" && entries.isEmpty { cursor = ">" }
                                guard !entries.isEmpty else { continue }
                                await self.dispatch(entries)
                                let ids = entries.map { $0.id as any RESPArgument }
                                acknowledge = [["XACK", key, Self.group] + ids, ["XDEL", key] + ids]
                            }
                            if !acknowledge.isEmpty { _ = try await connection.transaction(acknowledge) }
                        }
                    }
                }
            } catch is CancellationError {
                break
            } catch {
                if Task.isCancelled || Task.isShuttingDownGracefully { break }
                logger.warning("delivery stream unavailable, retrying", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(500))
            }
        }
    }

    /// Writes every delivery of a batch; writes to one session stay in order.
    func dispatch(_ entries: [RedisStreamEntry]) async {
        await withTaskGroup(of: Void.self) { group in
            var perSession: [String: [(id: String, delivery: WireDelivery)]] = [:]
            var order: [String] = []
            for entry in entries {
                guard let delivery = WireDelivery(entry: entry) else {
                    logger.error("dropping malformed delivery entry", metadata: ["entry.id": "\(entry.id)"])
                    continue
                }
                if perSession[delivery.to] == nil { order.append(delivery.to) }
                perSession[delivery.to, default: []].append((entry.id, delivery))
            }
            for jid in order {
                let deliveries = perSession[jid] ?? []
                group.addTask { await self.deliver(deliveries, to: jid) }
            }
        }
    }

    /// Writes one session's deliveries in order; consecutive stanzas go out in
    /// one write (one system call, not one each).
    private func deliver(_ deliveries: [(id: String, delivery: WireDelivery)], to jid: String) async {
        var stanzas: [String] = []
        var ids: [String?] = []
        for (id, delivery) in deliveries {
            switch delivery {
            case .stanza(_, let wire):
                stanzas.append(wire)
                ids.append(id)
            case .close(_, let session, let condition):
                await write(stanzas, ids: ids, to: jid)
                stanzas = []
                ids = []
                if let target = sessions.target(for: jid), target.sessionID == session {
                    await target.close(with: condition)
                }
            }
        }
        await write(stanzas, ids: ids, to: jid)
    }

    /// Writes stanzas to a local session, or hands them back to the routers
    /// when the session is gone or the write fails.
    private func write(_ stanzas: [String], ids: [String?], to jid: String) async {
        guard !stanzas.isEmpty else { return }
        if let target = sessions.target(for: jid), await target.deliver(wires: stanzas, entryIDs: ids) {
            GatewayMetrics.delivered.increment(by: stanzas.count)
            return
        }
        GatewayMetrics.returned.increment(by: stanzas.count)
        for wire in stanzas {
            guard let stanza = StanzaWire.decode(wire) else {
                logger.error("dropping an undeliverable delivery that does not parse", metadata: ["to": "\(jid)"])
                continue
            }
            await returnToRouters(stanza, to: jid)
        }
    }

    private func returnToRouters(_ stanza: XMLElement, to jid: String) async {
        guard let sender = stanza.from else { return }
        do {
            try await routes.submit(stanza, from: sender, undelivered: jid)
        } catch {
            logger.error("could not return an undelivered stanza to the routers", metadata: ["to": "\(jid)", "error": "\(error)"])
        }
    }
}
