import Testing
@testable import Cluster

@Suite("Cluster key names")
struct ClusterKeysTests {
    let keys = ClusterKeys(prefix: "t:")
    let node = NodeID("c2s-1")!

    @Test func nodeKeysShareTheNodeHashTag() {
        #expect(keys.node(node) == "t:node:{c2s-1}")
        #expect(keys.nodeSessions(node) == "t:node:{c2s-1}:sessions")
        #expect(keys.deliveries(node) == "t:deliver:{c2s-1}")
    }

    @Test func partitionAndSessionKeys() {
        #expect(keys.route(partition: 7) == "t:route:{7}")
        #expect(keys.routeLease(partition: 7) == "t:lease:route:{7}")
        #expect(keys.sessions(bare: "alice@example.com") == "t:sessions:{alice@example.com}")
    }

    @Test func storageKeys() {
        #expect(keys.storageRequests == "t:storage:requests")
        #expect(ClusterKeys.storageGroup == "storage")
        #expect(keys.replies(node) == "t:reply:{c2s-1}")
        #expect(keys.rosterCache(bare: "alice@example.com") == "t:roster:{alice@example.com}")
        #expect(keys.credentialsCache(bare: "alice@example.com") == "t:credentials:{alice@example.com}")
        #expect(ClusterKeys.rosterCacheVersionField == "@version")
        #expect(keys.blockList(bare: "alice@example.com") == "t:blocklist:{alice@example.com}")
        #expect(keys.blockListsReady == "t:blocklist:ready")
    }

    @Test func defaultPrefix() {
        #expect(ClusterKeys().nodes == "trellis:nodes")
    }
}

@Suite("Node ids and records")
struct NodeRecordTests {
    @Test(arguments: ["", "a b", "a{b}", "é", String(repeating: "x", count: 65)])
    func rejectsIDsUnsafeInKeys(_ raw: String) {
        #expect(NodeID(raw) == nil)
    }

    @Test func randomIDsCarryTheRole() {
        let id = NodeID.random(role: .boshGateway)
        #expect(id.rawValue.hasPrefix("bosh-gateway-"))
        #expect(id.rawValue.count == "bosh-gateway-".count + 8)
    }

    @Test func recordRoundTripsThroughHashFields() {
        let record = NodeRecord(
            id: NodeID("bosh-gateway-2")!, role: .boshGateway, address: "127.0.4.2:5280",
            adminAddress: "127.0.4.2:9100", vroute: "v2", startedAt: 1_700_000_000)
        let fields = Dictionary(uniqueKeysWithValues: record.fields)
        #expect(NodeRecord(fields: fields) == record)
    }

    @Test func recordWithMissingRoleIsRejected() {
        #expect(NodeRecord(fields: ["id": "router-1", "started_at": "1"]) == nil)
        #expect(NodeRecord(fields: ["id": "router-1", "role": "dj", "started_at": "1"]) == nil)
    }
}

@Suite("Route partitioning")
struct RoutePartitioningTests {
    @Test func fnv1aMatchesReferenceVectors() {
        // Reference values of 32-bit FNV-1a.
        #expect(RoutePartitioning.fnv1a("".utf8) == 0x811C_9DC5)
        #expect(RoutePartitioning.fnv1a("a".utf8) == 0xE40C_292C)
        #expect(RoutePartitioning.fnv1a("foobar".utf8) == 0xBF9C_F968)
    }

    @Test func sameSenderAlwaysSamePartitionAndSpreadIsFair() {
        let partitioning = RoutePartitioning(count: 32)
        #expect(
            partitioning.partition(forBare: "alice@example.com")
                == partitioning.partition(forBare: "alice@example.com"))
        var counts = [Int](repeating: 0, count: 32)
        for index in 0..<32_000 { counts[partitioning.partition(forBare: "user\(index)@example.com")] += 1 }
        #expect(counts.min()! > 700 && counts.max()! < 1300)
    }
}
