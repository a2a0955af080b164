import Logging
import Redis

/// Settings every Trellis process reads, whatever its role.
public struct CommonConfiguration: Sendable, Equatable {
    /// This process's id in the cluster (`node:{id}` in Redis, `node.id` in logs).
    public var nodeID: String
    /// The XMPP domains this cluster serves.
    public var domains: [String]
    public var log: LogConfiguration
    public var admin: AdminConfiguration
    public var redis: RedisSettings
    /// How long a requester waits for storage before answering with a stanza error.
    public var storageRequestTimeoutMilliseconds: Int
    /// How long a graceful shutdown may take before the remaining services are cancelled.
    public var shutdownGraceSeconds: Int
    /// How often the node refreshes its liveness record `node:{id}`.
    public var heartbeatIntervalMilliseconds: Int = 1_000
    /// How long `node:{id}` lives without a refresh; then the node counts as dead.
    public var nodeTTLMilliseconds: Int = 5_000
    /// Refuse to start when another live node's cluster-wide settings differ
    /// from this one's (`ClusterSettings`); otherwise the difference is reported.
    public var refuseConfigurationDrift = false

    public init(
        role: Role,
        nodeID: String? = nil,
        domains: [String] = ["localhost"],
        log: LogConfiguration = .init(),
        admin: AdminConfiguration? = nil,
        redis: RedisSettings = .init(),
        storageRequestTimeoutMilliseconds: Int = 5_000,
        shutdownGraceSeconds: Int = 10
    ) {
        self.nodeID = nodeID ?? Self.generatedNodeID(role: role)
        self.domains = domains
        self.log = log
        self.admin = admin ?? AdminConfiguration(port: role.defaultAdminPort)
        self.redis = redis
        self.storageRequestTimeoutMilliseconds = storageRequestTimeoutMilliseconds
        self.shutdownGraceSeconds = shutdownGraceSeconds
    }

    /// `<role>-<8 random hex digits>`, e.g. `router-3fa09c1e`.
    public static func generatedNodeID(role: Role) -> String {
        let hex = String(UInt32.random(in: .min ... .max), radix: 16)
        return "\(role.rawValue)-\(String(repeating: "0", count: 8 - hex.count))\(hex)"
    }
}

/// `log.*`: how the process logs.
public struct LogConfiguration: Sendable, Equatable {
    public var level: Logger.Level
    public var format: LogFormat

    public init(level: Logger.Level = .info, format: LogFormat = .logfmt) {
        self.level = level
        self.format = format
    }
}

/// The shape of each log line on stderr.
public enum LogFormat: String, Sendable, CaseIterable {
    /// `ts=… level=info label=trellis.c2s node.id=… role=c2s msg="…" key=value`
    case logfmt
    /// One JSON object per line.
    case json
}

/// `admin.*`: the HTTP listener for `/health`, `/ready` and `/metrics`.
public struct AdminConfiguration: Sendable, Equatable {
    public var host: String
    /// 0 asks the kernel for a free port; the server logs the one it got.
    public var port: Int

    public init(host: String = "127.0.0.1", port: Int) {
        self.host = host
        self.port = port
    }
}

/// `redis.*`: the connection every process keeps to Redis.
public struct RedisSettings: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var username: String?
    public var password: String?
    public var database: Int
    /// Prepended to every key this cluster uses.
    public var keyPrefix: String
    public var commandTimeoutMilliseconds: Int
    /// Redis Sentinel addresses (`host:port`); empty: connect to `host:port` directly.
    public var sentinels: [RedisServerAddress]
    /// The name the sentinels monitor the master under.
    public var sentinelMaster: String
    /// The sentinels' own password (`requirepass` in their config), if any.
    public var sentinelPassword: String?
    /// Replicas that must have an accepted stanza (`WAIT`); 0: do not wait.
    public var waitReplicas: Int
    /// How long that `WAIT` may block.
    public var waitTimeoutMilliseconds: Int

    public init(
        host: String = "127.0.0.1", port: Int = 6379,
        username: String? = nil, password: String? = nil,
        database: Int = 0, keyPrefix: String = "trellis:",
        commandTimeoutMilliseconds: Int = 2_000,
        sentinels: [RedisServerAddress] = [], sentinelMaster: String = "trellis", sentinelPassword: String? = nil,
        waitReplicas: Int = 0, waitTimeoutMilliseconds: Int = 500
    ) {
        self.waitReplicas = waitReplicas
        self.waitTimeoutMilliseconds = waitTimeoutMilliseconds
        self.sentinels = sentinels
        self.sentinelMaster = sentinelMaster
        self.sentinelPassword = sentinelPassword
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.keyPrefix = keyPrefix
        self.commandTimeoutMilliseconds = commandTimeoutMilliseconds
    }
}

extension RedisSettings: CustomStringConvertible {
    /// Never shows the password.
    public var description: String {
        let server = sentinels.isEmpty
            ? "\(host):\(port)"
            : "sentinel:\(sentinelMaster)@" + sentinels.map(\.description).joined(separator: ",")
        return "redis://\(username.map { "\($0)@" } ?? "")\(server)/\(database) prefix=\(keyPrefix)"
    }
}
