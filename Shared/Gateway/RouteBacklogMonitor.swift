import Cluster
import Logging
import Metrics
import Redis
import ServiceLifecycle
import Synchronization

/// Watches the route partitions' backlogs for this gateway (issue #16):
/// every `interval` one pipelined `XLEN` per partition. A session whose
/// partition is behind (`RouteBacklog`) waits before handing it more stanzas;
/// while it waits it reads nothing more from its client (the transport's
/// `InboundBackpressure` stops reading the socket), so TCP slows the sender
/// down — the cross-process equivalent of a server not reading a flooding
/// socket. Routers delete what they routed, so a partition's length is its
/// backlog.
///
/// A gateway that routed nothing for `idleAfter`, with no partition behind,
/// stops polling until its next stanza: an idle gateway costs Redis nothing.
/// Its first stanza after the pause goes by the last reading, and polling
/// resumes at once.
public final class RouteBacklogMonitor: Service, Sendable {
    let redis: any RedisCommandSender
    let streams: [String]
    let interval: Duration
    let idleAfter: Duration
    let logger: Logger
    private let state: Mutex<RouteBacklog>
    /// When a session of this gateway last handed stanzas to the routers.
    private let lastRouted = Mutex<ContinuousClock.Instant?>(nil)

    public init(
        redis: any RedisCommandSender, keys: ClusterKeys, partitions: Int, high: Int, low: Int, logger: Logger,
        interval: Duration = .milliseconds(50), idleAfter: Duration = .seconds(2)
    ) {
        self.redis = redis
        self.streams = (0..<partitions).map { keys.route(partition: $0) }
        self.interval = interval
        self.idleAfter = idleAfter
        self.logger = logger
        self.state = Mutex(RouteBacklog(high: high, low: low))
    }

    static let lag = Gauge(label: "xmpp.route.backlog")
    static let behindPartitions = Gauge(label: "xmpp.route.partitions_behind")
    static let waits = Counter(label: "xmpp.route.backpressure_waits")

    public func run() async throws {
        guard state.withLock({ $0.isEnabled }) else {
            try? await gracefulShutdown()
            return
        }
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            if isRouting { await check() }
            try? await Task.sleep(for: interval)
        }
        state.withLock { $0.forget() }
    }

    func check() async {
        do {
            let replies = try await redis.pipeline(streams.map { ["XLEN", $0] })
            let lengths = replies.map { Int($0.int ?? 0) }
            let behind = state.withLock { state in
                state.update(lengths: lengths)
                return state.behind.count
            }
            Self.lag.record(lengths.max() ?? 0)
            Self.behindPartitions.record(behind)
        } catch {
            state.withLock { $0.forget() }
        }
    }

    /// Whether readings are needed: stanzas were routed within `idleAfter`,
    /// or a partition was behind at the last reading (its senders wait for
    /// the next one).
    public var isRouting: Bool {
        if state.withLock({ !$0.behind.isEmpty }) { return true }
        guard let last = lastRouted.withLock({ $0 }) else { return false }
        return ContinuousClock.now - last < idleAfter
    }

    public func isBehind(partition: Int) -> Bool {
        state.withLock { $0.behind.contains(partition) }
    }

    /// Returns once `partition` may take more (at once when it is not behind).
    /// Called before every hand-over to the routers, so it also marks the
    /// gateway as routing.
    public func waitForRoom(partition: Int) async {
        lastRouted.withLock { $0 = .now }
        guard isBehind(partition: partition) else { return }
        Self.waits.increment()
        while isBehind(partition: partition), !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
