import Cluster
import Logging
import Metrics
import Redis

/// Compares this node's cluster-wide settings (`ClusterSettings`) with those
/// every other live node published in its record (issue #14). A node whose
/// settings differ from this one's is reported — a log line naming the
/// settings, the `trellis_config_drift_nodes` gauge, `trellisctl nodes list` —
/// and at start-up a difference in a setting that breaks routing
/// (`ClusterSettings.mustAgree`), or in any setting with
/// `cluster.refuse_config_drift`, stops this node before it joins.
public struct ClusterSettingsCheck: Sendable {
    public let settings: ClusterSettings
    public let refuseAnyDifference: Bool

    public init(settings: ClusterSettings, refuseAnyDifference: Bool) {
        self.settings = settings
        self.refuseAnyDifference = refuseAnyDifference
    }

    /// Another node whose settings differ, and which.
    public struct Drift: Sendable, Hashable {
        public var node: String
        public var settings: [String]

        public init(node: String, settings: [String]) {
            self.node = node
            self.settings = settings
        }
    }

    /// Why this node does not join.
    public struct Refusal: Error, CustomStringConvertible, Equatable {
        public var drift: Drift
        public var description: String {
            "node \(drift.node) runs with different \(drift.settings.joined(separator: ", ")); "
                + "every member of a cluster must share them (docs/clustering.md, \"One configuration\")"
        }
    }

    static let driftingNodes = Gauge(label: "trellis.config_drift_nodes")

    /// The other live nodes whose published settings differ from ours.
    public func drifts(redis: any RedisCommandSender, keys: ClusterKeys, me: NodeID) async throws -> [Drift] {
        let ids = (try await redis.send(["SMEMBERS", keys.nodes]).array ?? []).compactMap(\.string)
            .filter { $0 != me.rawValue }.sorted()
        guard !ids.isEmpty else { return [] }
        let replies = try await redis.pipeline(ids.compactMap(NodeID.init).map { ["HMGET", keys.node($0), "settings", "settings_hash"] })
        var drifts: [Drift] = []
        for (id, reply) in zip(ids, replies) {
            guard let fields = reply.array, fields.count == 2, let published = fields[0].string,
                fields[1].string != settings.hash
            else { continue }
            let differences = settings.differences(from: ClusterSettings(encoded: published))
            if !differences.isEmpty { drifts.append(Drift(node: id, settings: differences)) }
        }
        Self.driftingNodes.record(drifts.count)
        return drifts
    }

    /// At start-up: the drift that keeps this node out, if any.
    public func refusal(among drifts: [Drift]) -> Refusal? {
        for drift in drifts {
            if refuseAnyDifference || !ClusterSettings.mustAgree.isDisjoint(with: drift.settings) {
                return Refusal(drift: Drift(
                    node: drift.node,
                    settings: refuseAnyDifference ? drift.settings : drift.settings.filter(ClusterSettings.mustAgree.contains)))
            }
        }
        return nil
    }
}
