import Crypto

/// The settings every member of one cluster must share (issue #14), in a
/// canonical form every process publishes in its node record: the served
/// domains, the route partition count, the client limits, the TLS policy and
/// the timings other nodes rely on, whether messages are archived. Per-node settings (addresses, ports,
/// certificates, log level, a router's batch size) are left out.
public struct ClusterSettings: Sendable, Equatable {
    /// Setting name (as in the configuration file) → value.
    public var entries: [String: String]

    /// Settings that break the cluster when they differ, whatever the
    /// operator chose: a node disagreeing on them refuses to start.
    public static let mustAgree: Set<String> = ["router.partitions"]

    public init(entries: [String: String]) {
        self.entries = entries
    }

    public init(_ configuration: TrellisConfiguration) {
        let limits = configuration.limits
        entries = [
            "domains": configuration.common.domains.sorted().joined(separator: ","),
            "router.partitions": String(configuration.router.partitions),
            "max_stanza_size": String(limits.maxStanzaSize),
            "max_resources_per_account": String(limits.maxResourcesPerAccount),
            "sasl.max_failures_per_account": String(limits.maxAuthenticationFailuresPerAccount),
            "sasl.failure_window_seconds": String(limits.authenticationFailureWindowSeconds),
            "stream_management.max_seconds": String(limits.streamManagementMaxSeconds),
            "max_outbound_bytes": String(limits.maxOutboundBytes),
            "backpressure.route_lag_high": String(limits.routeLagHigh),
            "backpressure.route_lag_low": String(limits.routeLagLow),
            "tls_required": String(configuration.c2s.tls.required),
            "heartbeat.ttl_ms": String(configuration.common.nodeTTLMilliseconds),
            "bosh.max_wait": String(configuration.bosh.maxWait),
            "bosh.inactivity": String(configuration.bosh.inactivity),
            // Routers that disagree archive (and stamp stanza ids on) one
            // sender's messages and not another's.
            "archive.enabled": String(configuration.archive.enabled),
            "archive.retention_days": String(configuration.archive.retentionDays),
        ]
    }

    /// `name=value` per setting, sorted, separated by `;` (the node record's
    /// `settings` field; one line, so that `redis-cli` shows it whole).
    public var encoded: String {
        entries.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";")
    }

    public init(encoded: String) {
        var entries: [String: String] = [:]
        for line in encoded.split(separator: ";") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            entries[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        self.entries = entries
    }

    /// Short SHA-256 of `encoded` (the node record's `settings_hash` field).
    public var hash: String {
        SHA256.hash(data: Array(encoded.utf8)).prefix(8).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// The names of the settings that differ between the two (missing on one side counts).
    public func differences(from other: ClusterSettings) -> [String] {
        Set(entries.keys).union(other.entries.keys).filter { entries[$0] != other.entries[$0] }.sorted()
    }
}
