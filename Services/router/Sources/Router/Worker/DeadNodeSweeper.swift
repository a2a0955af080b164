import Cluster
import Gateway
import Logging
import Redis
import ServiceLifecycle
import XMPPCore

/// Cleans up after nodes that died without deregistering (docs/redis-protocol.md,
/// "Sweeping dead nodes"): one router per dead node (by the `sweep:{id}` lock)
/// removes its sessions from the registry, routes an unavailable presence for
/// each available one so contacts see it go, hands its undelivered deliveries
/// back to the routers, and deletes its keys.
public final class DeadNodeSweeper: Service, Sendable {
    let redis: RedisClient
    let keys: ClusterKeys
    let me: NodeID
    let routes: RouteQueue
    let interval: Duration
    let logger: Logger

    public init(redis: RedisClient, keys: ClusterKeys, me: NodeID, partitions: Int, logger: Logger, interval: Duration = .seconds(1)) {
        self.redis = redis
        self.keys = keys
        self.me = me
        self.routes = RouteQueue(redis: redis, keys: keys, partitions: partitions, node: me)
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                for node in try await deadNodes() { try await sweep(node) }
            } catch {
                logger.debug("sweeper: redis unavailable", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
    }

    /// Members of `nodes` whose `node:{id}` record has expired.
    func deadNodes() async throws -> [NodeID] {
        let ids = (try await redis.send(["SMEMBERS", keys.nodes]).array ?? []).compactMap(\.string).compactMap(NodeID.init)
        guard !ids.isEmpty else { return [] }
        let exists = try await redis.pipeline(ids.map { ["EXISTS", keys.node($0)] })
        return zip(ids, exists).filter { $0.1.int == 0 }.map(\.0)
    }

    func sweep(_ node: NodeID) async throws {
        let lock = try await redis.send(["SET", keys.sweepLock(node), me.rawValue, "NX", "PX", 30_000])
        guard lock.string == "OK" else { return }
        // The node may have come back between the check and the lock.
        guard try await redis.send(["EXISTS", keys.node(node)]).int == 0 else { return }
        logger.notice("sweeping a dead node", metadata: ["dead.node": "\(node)"])
        var unavailable = 0
        let jids = (try await redis.send(["SMEMBERS", keys.nodeSessions(node)]).array ?? []).compactMap(\.string)
        for text in jids {
            guard let jid = try? JID(text), let resource = jid.resourcepart else { continue }
            let removed = try await redis.evaluate(
                Self.removeSessionScript, keys: [keys.sessions(bare: jid.bare.description)], arguments: [resource, node.rawValue])
            guard let json = removed.string, let record = SessionRecord(json: json) else { continue }
            if record.available {
                let presence = XMLElement(
                    "presence", namespace: XMPPNamespace.client, attributes: ["type": "unavailable", "from": jid.description])
                try await routes.submit(presence, from: jid, senderGone: true)
                unavailable += 1
            }
        }
        let rerouted = try await rerouteDeliveries(of: node)
        _ = try await redis.pipeline([
            ["DEL", keys.nodeSessions(node), keys.deliveries(node)],
            ["SREM", keys.nodes, node.rawValue],
        ])
        logger.notice(
            "swept a dead node",
            metadata: ["dead.node": "\(node)", "sessions": "\(jids.count)", "unavailable": "\(unavailable)", "rerouted": "\(rerouted)"])
    }

    /// Every stanza still in the dead node's delivery stream goes back to the
    /// routers as undelivered (RFC 6121 §8.5.3.2: another resource or offline).
    func rerouteDeliveries(of node: NodeID) async throws -> Int {
        var cursor = "-"
        var count = 0
        while true {
            let reply = try await redis.send(["XRANGE", keys.deliveries(node), cursor, "+", "COUNT", 256])
            let entries = (reply.array ?? []).compactMap(RedisStreamEntry.init(reply:))
            guard !entries.isEmpty else { break }
            for entry in entries {
                guard case .stanza(let to, let stanza)? = Delivery(entry: entry), let sender = stanza.from else { continue }
                try await routes.submit(stanza, from: sender, undelivered: to)
                count += 1
            }
            cursor = "(" + entries[entries.count - 1].id
        }
        return count
    }

    // KEYS: sessions:{bare}. ARGV: resource, dead node. Returns the removed record.
    static let removeSessionScript = RedisScript(
        """
        local current = redis.call('HGET', KEYS[1], ARGV[1])
        if current and cjson.decode(current).node == ARGV[2] then
          redis.call('HDEL', KEYS[1], ARGV[1])
          return current
        end
        return false
        """)
}
