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

    /// Every step re-checks, atomically with its change, that the node is still
    /// dead: a node that was only stalled may come back mid-sweep, and from then
    /// on its own re-registration (docs/redis-protocol.md) is in charge.
    func sweep(_ node: NodeID) async throws {
        let lock = try await redis.send(["SET", keys.sweepLock(node), me.rawValue, "NX", "PX", 30_000])
        guard lock.string == "OK" else { return }
        // Released afterwards so that what is left (deliveries that arrived
        // meanwhile) is swept on the next beat; a crash leaves it to expire.
        try await sweepLocked(node)
        _ = try? await redis.send(["DEL", keys.sweepLock(node)])
    }

    func sweepLocked(_ node: NodeID) async throws {
        guard try await redis.send(["EXISTS", keys.node(node)]).int == 0 else { return }
        logger.notice("sweeping a dead node", metadata: ["dead.node": "\(node)"])
        var unavailable = 0
        let jids = (try await redis.send(["SMEMBERS", keys.nodeSessions(node)]).array ?? []).compactMap(\.string)
        for text in jids {
            guard let jid = try? JID(text), let resource = jid.resourcepart else { continue }
            let presence = XMLElement(
                "presence", namespace: XMPPNamespace.client, attributes: ["type": "unavailable", "from": jid.description])
            var arguments: [any RESPArgument] = [resource, node.rawValue]
            for (_, value) in RouteQueue.fields(presence, from: jid, node: "") { arguments.append(value) }
            arguments += [keys.prefix, jid.bare.description]
            let outcome = try await redis.evaluate(
                Self.removeSessionScript,
                keys: [keys.sessions(bare: jid.bare.description), keys.node(node), routes.stream(for: jid)],
                arguments: arguments)
            switch outcome.int {
            case -1: return logger.notice("a swept node came back; leaving it alone", metadata: ["dead.node": "\(node)"])
            case 2: unavailable += 1
            default: break
            }
        }
        guard let rerouted = try await rerouteDeliveries(of: node) else {
            return logger.notice("a swept node came back; leaving it alone", metadata: ["dead.node": "\(node)"])
        }
        let finished = try await redis.evaluate(
            Self.finishScript, keys: [keys.node(node), keys.deliveries(node), keys.nodeSessions(node), keys.nodes],
            arguments: [node.rawValue])
        RouterMetrics.sweeps.increment()
        logger.notice(
            "swept a dead node",
            metadata: [
                "dead.node": "\(node)", "sessions": "\(jids.count)", "unavailable": "\(unavailable)",
                "rerouted": "\(rerouted)", "finished": "\(finished.int == 1)",
            ])
    }

    /// Every stanza still in the dead node's delivery stream goes back to the
    /// routers as undelivered (RFC 6121 §8.5.3.2: another resource or offline),
    /// then leaves the stream (so a crash in between repeats it rather than loses
    /// it). `nil` when the node came back.
    func rerouteDeliveries(of node: NodeID) async throws -> Int? {
        var count = 0
        while true {
            let reply = try await redis.send(["XRANGE", keys.deliveries(node), "-", "+", "COUNT", 256])
            let entries = (reply.array ?? []).compactMap(RedisStreamEntry.init(reply:))
            guard !entries.isEmpty else { return count }
            for entry in entries {
                guard case .stanza(let to, let stanza)? = Delivery(entry: entry), let sender = stanza.from else { continue }
                try await routes.submit(stanza, from: sender, undelivered: to)
                count += 1
            }
            let deleted = try await redis.evaluate(
                Self.deleteDeliveriesScript, keys: [keys.node(node), keys.deliveries(node)],
                arguments: entries.map { $0.id as any RESPArgument })
            if deleted.int == -1 { return nil }
        }
    }

    // Single-instance only (keys of several hash tags), like the registry scripts.
    // KEYS: sessions:{bare}, node:{id}, route:{p}. ARGV: resource, dead node,
    // then the route entry's field values (from, node, stanza), key prefix,
    // bare JID. A resumable session's record is left with its XEP-0198 state,
    // so that a resumption can bring it back (docs/stream-management.md). Returns -1 when
    // the node is alive again, 2 when an available session was removed and its
    // unavailable presence queued (in the same step, so it always precedes what
    // a re-registration routes), 1 when an unavailable one was removed, 0 otherwise.
    static let removeSessionScript = RedisScript(
        """
        if redis.call('EXISTS', KEYS[2]) == 1 then return -1 end
        local current = redis.call('HGET', KEYS[1], ARGV[1])
        if not current then return 0 end
        local record = cjson.decode(current)
        if record.node ~= ARGV[2] then return 0 end
        redis.call('HDEL', KEYS[1], ARGV[1])
        if record.resumption then
          local state = ARGV[6] .. 'sm:{' .. ARGV[7] .. '}:' .. record.resumption
          if redis.call('HGET', state, 'session') == record.session then redis.call('HSET', state, 'record', current) end
        end
        if not record.available then return 1 end
        redis.call('XADD', KEYS[3], '*', 'from', ARGV[3], 'node', ARGV[4], 'stanza', ARGV[5])
        return 2
        """)

    // KEYS: node:{id}, deliver:{id}. ARGV: entry ids. -1 when the node is alive again.
    static let deleteDeliveriesScript = RedisScript(
        """
        if redis.call('EXISTS', KEYS[1]) == 1 then return -1 end
        return redis.call('XDEL', KEYS[2], unpack(ARGV))
        """)

    // KEYS: node:{id}, deliver:{id}, node:{id}:sessions, nodes. ARGV: node id.
    // 1 when the node's keys are gone, 0 when deliveries arrived meanwhile (the
    // next sweep takes them), -1 when the node is alive again.
    static let finishScript = RedisScript(
        """
        if redis.call('EXISTS', KEYS[1]) == 1 then return -1 end
        if redis.call('XLEN', KEYS[2]) > 0 then return 0 end
        redis.call('DEL', KEYS[2], KEYS[3])
        redis.call('SREM', KEYS[4], ARGV[1])
        return 1
        """)
}
