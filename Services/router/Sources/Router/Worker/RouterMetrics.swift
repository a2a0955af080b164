import Metrics

/// What routers count (docs/operations.md, "Metrics").
enum RouterMetrics {
    /// Route entries routed and acknowledged.
    static let entries = Counter(label: "router.entries")
    /// Deliveries queued to gateways.
    static let deliveries = Counter(label: "router.deliveries")
    /// Entries left pending because part of the cluster was away (routed again later).
    static let retries = Counter(label: "router.retries")
    /// A `WAIT` after a commit timed out short of `redis.wait_replicas`.
    static let replicaWaitShortfalls = Counter(label: "redis.wait.shortfalls")
    /// Time to route one entry and commit its deliveries.
    static let routeTime = Timer(label: "router.route.duration")
    /// Partitions this router holds.
    static let partitions = Gauge(label: "router.partitions")
    /// Block lists (XEP-0191) routing could not know — storage's cache was
    /// not ready and storage did not answer — and treated as empty.
    static let blockListsUnknown = Counter(label: "router.blocklists.unknown")
    /// Accounts' sessions and block lists routing found in the account cache.
    static let accountCacheHits = Counter(label: "router.account_cache.hits")
    /// Accounts' sessions and block lists routing had to read from Redis.
    static let accountCacheMisses = Counter(label: "router.account_cache.misses")
    /// Hints (keyspace notifications) that dropped a kept account.
    static let accountCacheHints = Counter(label: "router.account_cache.hints")
    /// Dead nodes swept by this router.
    static let sweeps = Counter(label: "router.sweeps")
    /// XEP-0198 sessions that reached their deadline without a resumption.
    static let expiredManagedSessions = Counter(label: "router.sm.expired")
}
