import Logging
import Redis

/// Keys (file key ↔ environment variable; see docs/configuration.md):
///
/// - `node_id` ↔ `TRELLIS_NODE_ID`: letters, digits, `.`, `_`, `-`; at most 64.
///   Default `<role>-<8 random hex>`.
/// - `domains` ↔ `TRELLIS_DOMAINS` (comma-separated): default `["localhost"]`.
/// - `log.level` ↔ `TRELLIS_LOG_LEVEL`: trace, debug, info, notice, warning, error, critical.
/// - `log.format` ↔ `TRELLIS_LOG_FORMAT`: logfmt or json.
/// - `admin.host`, `admin.port`: default 127.0.0.1 and a port per role (9101–9104).
/// - `redis.host`, `redis.port`, `redis.username`, `redis.password`, `redis.db` (0…15),
///   `redis.prefix`, `redis.command_timeout_ms` (1…600000).
/// - `redis.sentinels` (comma-separated `host:port`; empty: direct mode),
///   `redis.sentinel_master` (default `trellis`), `redis.sentinel_password`.
/// - `redis.wait_replicas` (0…16, default 0), `redis.wait_timeout_ms` (1…60000, default 500).
/// - `storage.request_timeout_ms` (100…600000, default 5000).
/// - `shutdown_grace_seconds` (1…600, default 10).
/// - `heartbeat.interval_ms` (100…60000, default 1000), `heartbeat.ttl_ms`
///   (500…600000, default 5000; at least twice the interval).
/// - `cluster.refuse_config_drift` (default false).
extension CommonConfiguration {
    public init(role: Role, source: ConfigSource) throws(ConfigurationError) {
        let defaults = CommonConfiguration(role: role)
        self.init(role: role)
        if let nodeID = try source.string("node_id") {
            try Self.validateNodeID(nodeID)
            self.nodeID = nodeID
        }
        domains = try source.stringList("domains", default: defaults.domains).map { $0.lowercased() }
        try Self.validateDomains(domains)
        log = LogConfiguration(
            level: try source.choice("log.level", default: defaults.log.level),
            format: try source.choice("log.format", default: defaults.log.format))
        admin = AdminConfiguration(
            host: try source.string("admin.host", default: defaults.admin.host),
            port: try source.int("admin.port", default: defaults.admin.port, in: 0...65535))
        redis = RedisSettings(
            host: try source.string("redis.host", default: defaults.redis.host),
            port: try source.int("redis.port", default: defaults.redis.port, in: 1...65535),
            username: try source.string("redis.username"),
            password: try source.string("redis.password"),
            database: try source.int("redis.db", default: defaults.redis.database, in: 0...15),
            keyPrefix: try source.string("redis.prefix", default: defaults.redis.keyPrefix),
            commandTimeoutMilliseconds: try source.int(
                "redis.command_timeout_ms", default: defaults.redis.commandTimeoutMilliseconds, in: 1...600_000),
            sentinels: try Self.sentinelAddresses(source.stringList("redis.sentinels", default: [])),
            sentinelMaster: try source.string("redis.sentinel_master", default: defaults.redis.sentinelMaster),
            sentinelPassword: try source.string("redis.sentinel_password"),
            waitReplicas: try source.int("redis.wait_replicas", default: defaults.redis.waitReplicas, in: 0...16),
            waitTimeoutMilliseconds: try source.int(
                "redis.wait_timeout_ms", default: defaults.redis.waitTimeoutMilliseconds, in: 1...60_000))
        // A WAIT blocks the shared connection; a reply later than the command
        // timeout would drop it.
        guard redis.waitReplicas == 0 || redis.waitTimeoutMilliseconds < redis.commandTimeoutMilliseconds else {
            throw .invalid(
                key: "redis.wait_timeout_ms",
                expected: "less than redis.command_timeout_ms (\(redis.commandTimeoutMilliseconds))",
                got: String(redis.waitTimeoutMilliseconds))
        }
        storageRequestTimeoutMilliseconds = try source.int(
            "storage.request_timeout_ms", default: defaults.storageRequestTimeoutMilliseconds, in: 100...600_000)
        shutdownGraceSeconds = try source.int(
            "shutdown_grace_seconds", default: defaults.shutdownGraceSeconds, in: 1...600)
        heartbeatIntervalMilliseconds = try source.int(
            "heartbeat.interval_ms", default: defaults.heartbeatIntervalMilliseconds, in: 100...60_000)
        nodeTTLMilliseconds = try source.int(
            "heartbeat.ttl_ms", default: defaults.nodeTTLMilliseconds, in: 500...600_000)
        guard nodeTTLMilliseconds >= 2 * heartbeatIntervalMilliseconds else {
            throw .invalid(
                key: "heartbeat.ttl_ms", expected: "at least twice heartbeat.interval_ms (\(heartbeatIntervalMilliseconds))",
                got: String(nodeTTLMilliseconds))
        }
        refuseConfigurationDrift = try source.bool("cluster.refuse_config_drift", default: false)
    }

    static func sentinelAddresses(_ texts: [String]) throws(ConfigurationError) -> [RedisServerAddress] {
        var addresses: [RedisServerAddress] = []
        for text in texts {
            guard let address = RedisServerAddress(parsing: text) else {
                throw .invalid(key: "redis.sentinels", expected: "host:port of each sentinel", got: text)
            }
            addresses.append(address)
        }
        return addresses
    }

    static func validateNodeID(_ id: String) throws(ConfigurationError) {
        let allowed = id.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                || $0 == "." || $0 == "_" || $0 == "-"
        }
        guard allowed, (1...64).contains(id.utf8.count) else {
            throw .invalid(
                key: "node_id", expected: "1 to 64 letters, digits, '.', '_' or '-'", got: id)
        }
    }

    static func validateDomains(_ domains: [String]) throws(ConfigurationError) {
        guard !domains.isEmpty else {
            throw .invalid(key: "domains", expected: "at least one domain", got: "")
        }
        for domain in domains {
            // RFC 7622 §3.2: a domainpart is at most 1023 bytes; Trellis also
            // refuses characters that cannot appear in a DNS name or IP literal.
            let ok = domain.utf8.count <= 1023 && domain.unicodeScalars.allSatisfy {
                !$0.properties.isWhitespace && $0 != "/" && $0 != "@" && $0 != ","
            }
            guard ok else {
                throw .invalid(key: "domains", expected: "domain names (RFC 7622 §3.2)", got: domain)
            }
        }
    }
}
