import Cluster
import Logging
import Redis
import ServiceLifecycle
import Synchronization
import XMPPCore

/// Keeps a router's `AccountCache` honest with Redis keyspace notifications:
/// every write to a `sessions:{bare}` hash or a `blocklist:{bare}` set — by any
/// gateway, router, storage or script — names the account, and
/// `blocklist:ready` coming or going drops everything. Nothing in Trellis has
/// to remember to publish a hint.
///
/// The cache serves only after a probe proved that notifications reach this
/// subscription: the router turns notifications on (`CONFIG SET
/// notify-keyspace-events`, adding to what is set), subscribes, then changes a
/// probe key of its own and waits for that change to come back. Where
/// notifications cannot be turned on, the cache stays off and every batch
/// reads Redis, as without it. When the subscription drops (Redis restarted,
/// failed over, the connection broke), the cache forgets everything and serves
/// nothing until a new subscription passed the probe.
final class AccountCacheInvalidation: Service, Sendable {
    /// The notification classes the cache needs: keyspace events (`K`) for
    /// generic commands (`g`: `DEL`, `EXPIRE`, `RENAME`), strings (`$`), hashes
    /// (`h`), sets (`s`), expiry (`x`) and eviction (`e`). Streams and lists —
    /// the per-message traffic — stay quiet.
    static let requiredEvents = "Kg$hsxe"

    let redis: RedisClient
    let keys: ClusterKeys
    let cache: AccountCache
    let node: NodeID
    let logger: Logger
    let probeTimeout: Duration
    let retryInterval: Duration

    init(
        redis: RedisClient, keys: ClusterKeys, cache: AccountCache, node: NodeID, logger: Logger,
        probeTimeout: Duration = .seconds(2), retryInterval: Duration = .seconds(30)
    ) {
        self.redis = redis
        self.keys = keys
        self.cache = cache
        self.node = node
        self.logger = logger
        self.probeTimeout = probeTimeout
        self.retryInterval = retryInterval
    }

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let proven = (try? await cancelWhenGracefulShutdown { await self.listenOnce() }) ?? false
            cache.disable()
            let pause: Duration = proven ? .milliseconds(200) : retryInterval
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
        }
        cache.disable()
    }

    /// One subscription, until it drops; whether its probe came back.
    func listenOnce() async -> Bool {
        guard redis.isConnected else { return true }  // retry soon, quietly
        do {
            try await enableNotifications()
        } catch {
            logger.warning(
                "account cache off: keyspace notifications could not be turned on; set notify-keyspace-events in redis.conf",
                metadata: ["required": "\(Self.requiredEvents)", "error": "\(error)"])
        }
        let channels = KeyspaceChannels(keys: keys, database: redis.configuration.database, probeOwner: node.rawValue)
        let (subscribed, confirm) = AsyncStream<Void>.makeStream()
        let messages = redis.subscribe(to: channels.channels, patterns: channels.patterns) {
            confirm.yield()
            confirm.finish()
        }
        let proven = ProbeOutcome()
        let listener = Task {
            do {
                for try await message in messages {
                    switch channels.change(of: message.channel) {
                    case .probe:
                        if proven.prove() {
                            cache.enable()
                            logger.info("account cache on")
                        }
                    case .account(let bare):
                        cache.forget(bare)
                        RouterMetrics.accountCacheHints.increment()
                    case .everything:
                        cache.forgetAll()
                        RouterMetrics.accountCacheHints.increment()
                    case nil:
                        break
                    }
                }
            } catch {
                if proven.isProven { logger.info("account cache off until resubscribed", metadata: ["error": "\(error)"]) }
            }
            // Whatever ended the subscription, nothing may be served from now on.
            cache.disable()
        }
        let probe = Task {
            for await _ in subscribed {}
            guard !Task.isCancelled else { return }
            // Change the probe key; its notification proves the path.
            _ = try? await redis.pipeline([["HSET", channels.probeKey, "at", 1], ["DEL", channels.probeKey]])
            try? await Task.sleep(for: probeTimeout)
            guard !Task.isCancelled, !proven.isProven else { return }
            logger.warning(
                "account cache off: Redis sends no keyspace notifications; set notify-keyspace-events in redis.conf",
                metadata: ["required": "\(Self.requiredEvents)"])
            listener.cancel()
        }
        await withTaskCancellationHandler {
            await listener.value
        } onCancel: {
            listener.cancel()
        }
        probe.cancel()
        return proven.isProven
    }

    /// Adds the classes the cache needs to the server's `notify-keyspace-events`.
    func enableNotifications() async throws {
        let reply = try await redis.send(["CONFIG", "GET", "notify-keyspace-events"])
        guard let values = reply.array, values.count == 2, let current = values[1].string else {
            throw RedisError.unexpectedReply("CONFIG GET notify-keyspace-events returned \(reply)")
        }
        let wanted = KeyspaceChannels.flags(adding: Self.requiredEvents, to: current)
        guard wanted != current else { return }
        let set = try await redis.send(["CONFIG", "SET", "notify-keyspace-events", wanted])
        if case .error(let message) = set { throw RedisError.unexpectedReply(message) }
    }
}

/// Whether a subscription's probe came back (set once, by the listener).
final class ProbeOutcome: Sendable {
    private let proven = Mutex(false)

    /// Marks the probe as back; whether this was the first time.
    func prove() -> Bool {
        proven.withLock { value in
            defer { value = true }
            return !value
        }
    }

    var isProven: Bool { proven.withLock { $0 } }
}
