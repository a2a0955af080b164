/// How to reach Redis and how patiently.
public struct RedisConfiguration: Sendable, Hashable {
    public var host: String
    public var port: Int
    /// ACL user (Redis 6+); with only a password, `AUTH password` is sent.
    public var username: String?
    public var password: String?
    public var database: Int
    public var connectTimeout: Duration
    /// Longest wait for one reply; past it the connection is dropped.
    public var commandTimeout: Duration
    public var backoff: RedisBackoff
    /// With sentinels, `host`/`port` are not used: the master is asked of the
    /// sentinels before every connect (`RedisMasterLocator`). `nil`: connect to
    /// `host:port` directly.
    public var sentinel: RedisSentinelConfiguration?
    /// `WAIT` after the cluster's accept points (`redis.wait_replicas`); `nil`: none.
    public var replicaWait: RedisReplicaWait?

    public init(
        host: String = "127.0.0.1", port: Int = 6379, username: String? = nil, password: String? = nil,
        database: Int = 0, connectTimeout: Duration = .seconds(2), commandTimeout: Duration = .seconds(2),
        backoff: RedisBackoff = RedisBackoff(), sentinel: RedisSentinelConfiguration? = nil,
        replicaWait: RedisReplicaWait? = nil
    ) {
        self.sentinel = sentinel
        self.replicaWait = replicaWait
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.backoff = backoff
    }

    /// `host:port`, for logs (never the password).
    public var address: String {
        guard let sentinel else { return "\(host):\(port)" }
        return "sentinel:\(sentinel.masterName)@" + sentinel.sentinels.map(\.description).joined(separator: ",")
    }
}

/// Reconnect delays: `initial × factor^attempt`, capped, with ±`jitter` (as
/// async-http-client's connection pool does).
public struct RedisBackoff: Sendable, Hashable {
    public var initial: Duration
    public var factor: Double
    public var maximum: Duration
    public var jitter: Double

    public init(initial: Duration = .milliseconds(100), factor: Double = 1.25, maximum: Duration = .seconds(5), jitter: Double = 0.03) {
        self.initial = initial
        self.factor = factor
        self.maximum = maximum
        self.jitter = jitter
    }

    /// The delay before reconnect attempt `attempt` (0-based).
    public func delay(attempt: Int, random: Double = Double.random(in: -1...1)) -> Duration {
        let base = Double(initial.components.seconds) + Double(initial.components.attoseconds) / 1e18
        let cap = Double(maximum.components.seconds) + Double(maximum.components.attoseconds) / 1e18
        let raw = min(base * pow(factor, Double(min(attempt, 64))), cap)
        return .milliseconds(Int((raw * (1 + jitter * random) * 1000).rounded()))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
