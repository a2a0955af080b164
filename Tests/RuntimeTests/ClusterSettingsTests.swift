import Cluster
import Logging
import Redis
import Runtime
import Testing
import TestSupport

/// Issue #14, one configuration: every node publishes its cluster-wide
/// settings; a node that disagrees is reported, and one that disagrees on the
/// partition count (or on anything, with `cluster.refuse_config_drift`) does
/// not join.
@Suite("Cluster settings drift", .serialized)
struct ClusterSettingsTests {
    static func settings(partitions: Int = 32, maxStanzaSize: Int = 65_536) -> ClusterSettings {
        var configuration = TrellisConfiguration(role: .c2s)
        configuration.router.partitions = partitions
        configuration.limits.maxStanzaSize = maxStanzaSize
        return ClusterSettings(configuration)
    }

    @Test func settingsRoundTripHashAndNameTheirDifferences() {
        let a = Self.settings()
        #expect(ClusterSettings(encoded: a.encoded) == a)
        #expect(a.hash == Self.settings().hash)
        #expect(a.hash.count == 16)
        let b = Self.settings(partitions: 16, maxStanzaSize: 1024)
        #expect(a.hash != b.hash)
        #expect(a.differences(from: b) == ["max_stanza_size", "router.partitions"])
        #expect(a.encoded.contains("router.partitions=32"))
        var notArchiving = TrellisConfiguration(role: .router)
        notArchiving.archive.enabled = false
        #expect(ClusterSettings(notArchiving).differences(from: a) == ["archive.enabled"])
        // Per-node settings are not part of it.
        var other = TrellisConfiguration(role: .router)
        other.c2s.port = 6222
        other.common.nodeID = "somewhere-else"
        #expect(ClusterSettings(other) == a)
    }

    @Test func whoIsRefusedAndWhoIsOnlyReported() {
        let mine = ClusterSettingsCheck(settings: Self.settings(), refuseAnyDifference: false)
        let limits = ClusterSettingsCheck.Drift(node: "c2s-2", settings: ["max_stanza_size"])
        let partitions = ClusterSettingsCheck.Drift(node: "router-1", settings: ["max_stanza_size", "router.partitions"])
        #expect(mine.refusal(among: [limits]) == nil)
        #expect(mine.refusal(among: [limits, partitions])?.drift == .init(node: "router-1", settings: ["router.partitions"]))
        let strict = ClusterSettingsCheck(settings: Self.settings(), refuseAnyDifference: true)
        #expect(strict.refusal(among: [limits])?.drift == limits)
    }

    @Test func aNodeWithAnotherPartitionCountDoesNotJoinAndOtherDifferencesAreReported() async throws {
        try await RedisServerFixture.with { server in
            let client = RedisClient(
                configuration: RedisConfiguration(host: server.host, port: server.port),
                logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await client.run() }
                defer { group.cancelAll() }
                try await NodeHeartbeatTests.poll("connected") { client.isConnected }
                let keys = ClusterKeys(prefix: "drift:")
                func heartbeat(_ id: String, _ settings: ClusterSettings) -> NodeHeartbeat {
                    NodeHeartbeat(
                        record: NodeRecord(
                            id: NodeID(id)!, role: .router, startedAt: 1, settings: settings.encoded, settingsHash: settings.hash),
                        redis: client, keys: keys, interval: .milliseconds(100), ttl: .seconds(5), readiness: Readiness(),
                        settingsCheck: ClusterSettingsCheck(settings: settings, refuseAnyDifference: false),
                        logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
                }
                try await heartbeat("router-1", Self.settings()).beat()

                // Another partition count: the node refuses to join, and never wrote its record.
                let refused = heartbeat("router-2", Self.settings(partitions: 16))
                await #expect(throws: ClusterSettingsCheck.Refusal.self) { try await refused.run() }
                #expect(try await client.send(["EXISTS", keys.node(NodeID("router-2")!)]).int == 0)

                // Another stanza limit: reported, not refused.
                let check = ClusterSettingsCheck(settings: Self.settings(maxStanzaSize: 4096), refuseAnyDifference: false)
                let drifts = try await check.drifts(redis: client, keys: keys, me: NodeID("router-3")!)
                #expect(drifts == [.init(node: "router-1", settings: ["max_stanza_size"])])
                #expect(check.refusal(among: drifts) == nil)
            }
        }
    }
}
