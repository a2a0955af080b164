import Cluster
import Gateway
import Logging
import Redis
import ServiceLifecycle
import XMPPCore

/// Ends XEP-0198 sessions nobody resumed in time (docs/stream-management.md):
/// every router looks once a second for managed sessions past their deadline
/// (`sm:deadlines`), takes a few (atomically: two routers never take the same
/// one while its lease lasts), removes each from the registry if it is still
/// there — routing its unavailable presence when it was available — and hands
/// its unacknowledged stanzas back to the routers as undeliverable to it (§5:
/// RFC 6121 §8.5.3, another resource, offline storage or an error).
public final class ManagedSessionExpirer: Service, Sendable {
    let redis: RedisClient
    let keys: ClusterKeys
    let store: ResumptionStore
    let routes: RouteQueue
    let interval: Duration
    let logger: Logger

    public init(redis: RedisClient, keys: ClusterKeys, me: NodeID, partitions: Int, logger: Logger, interval: Duration = .seconds(1)) {
        self.redis = redis
        self.keys = keys
        self.store = ResumptionStore(redis: redis, keys: keys)
        self.routes = RouteQueue(redis: redis, keys: keys, partitions: partitions, node: me)
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                while try await expireDue() == Self.batch {}
            } catch {
                logger.debug("stream management expiry: redis unavailable", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
    }

    static let batch = 16

    /// Expires what is due, up to one batch; returns how many.
    @discardableResult
    func expireDue() async throws -> Int {
        let expired = try await store.takeExpired(limit: Self.batch)
        for session in expired { try await expire(session) }
        return expired.count
    }

    func expire(_ expired: ResumptionStore.ExpiredSession) async throws {
        let jid = expired.jid
        let presence = XMLElement(
            "presence", namespace: XMPPNamespace.client, attributes: ["type": "unavailable", "from": jid.description])
        var arguments: [any RESPArgument] = [jid.resourcepart ?? "", expired.session, jid.description, keys.prefix, expired.node]
        for (_, value) in RouteQueue.fields(presence, from: jid, node: "") { arguments.append(value) }
        _ = try await redis.evaluate(
            Self.removeSessionScript, keys: [keys.sessions(bare: jid.bare.description), routes.stream(for: jid)],
            arguments: arguments)
        for wire in expired.unacknowledged {
            guard let stanza = StanzaWire.decode(wire), let sender = stanza.from else { continue }
            try await routes.submit(stanza, from: sender, undelivered: jid.description)
        }
        try await store.finishExpiry(expired)
        RouterMetrics.expiredManagedSessions.increment()
        logger.info(
            "managed session expired",
            metadata: ["jid": "\(jid)", "unacknowledged": "\(expired.unacknowledged.count)"])
    }

    // KEYS: sessions:{bare}, route:{p}. ARGV: resource, session, full JID, key
    // prefix, node, then the unavailable presence's route fields (from, node,
    // stanza). Removes the record if it is still this session's, queues its
    // unavailable presence if it was available, and tells its node (if alive)
    // to close the stream.
    static let removeSessionScript = RedisScript(
        """
        local current = redis.call('HGET', KEYS[1], ARGV[1])
        if not current then return 0 end
        local record = cjson.decode(current)
        if record.session ~= ARGV[2] then return 0 end
        redis.call('HDEL', KEYS[1], ARGV[1])
        redis.call('SREM', ARGV[4] .. 'node:{' .. ARGV[5] .. '}:sessions', ARGV[3])
        if redis.call('EXISTS', ARGV[4] .. 'node:{' .. ARGV[5] .. '}') == 1 then
          redis.call('XADD', ARGV[4] .. 'deliver:{' .. ARGV[5] .. '}', '*', 'kind', 'close', 'to', ARGV[3],
            'session', ARGV[2], 'condition', 'connection-timeout')
        end
        if record.available then
          redis.call('XADD', KEYS[2], '*', 'from', ARGV[6], 'node', ARGV[7], 'stanza', ARGV[8])
        end
        return 1
        """)
}
