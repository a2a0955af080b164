import ArgumentParser
import Cluster
import ClusterIO
import Logging
import Redis
import XMPPCore
import XMPPStream

/// Requests per second the storage service answers through Redis, as a router
/// or gateway sees them (`StorageClient`: XADD, BLPOP the reply): a roster get
/// and an offline-message store, against a running cluster.
struct StorageBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "storage",
        abstract: "Storage requests/s (roster.get, offline.store) against a running cluster (scripts/trellis up).")

    @Option(help: "Redis host of the cluster (run/cluster.json).") var redisHost = "127.0.0.2"
    @Option(help: "Redis port.") var redisPort = 6379
    @Option(help: "Key prefix.") var prefix = "trellis:"
    @Option(help: "Requests per operation.") var requests = 5_000
    @Option(help: "Requests in flight at once.") var inFlight = 32
    @Option(help: "Contacts on the benchmark user's roster.") var contacts = 50

    func run() async throws {
        var logger = Logger(label: "trellis-bench")
        logger.logLevel = .error
        let user = "bench-storage@localhost"
        try await StorageClient.withClient(
            redis: RedisConfiguration(host: redisHost, port: redisPort), keys: ClusterKeys(prefix: prefix),
            nodeID: NodeID("bench-\(UInt32.random(in: 0...UInt32.max))")!, timeout: .seconds(30), logger: logger
        ) { storage in
            let credentials = try [SCRAMHashFunction.sha1, .sha256].map {
                try SCRAMCredentials.derive(password: "bench", salt: Array("benchmark-salt-1".utf8), iterations: 4096, hashFunction: $0)
            }
            try await storage.createAccount(user: user, credentials: credentials, ifMissing: true)
            for index in 0..<contacts {
                let item = XMLElement("item", namespace: XMPPNamespace.roster, attributes: ["jid": "contact\(index)@localhost"])
                _ = try await storage.setRosterItem(user: user, item: item)
            }
            let rosterRate = try await Self.measure(requests: requests, inFlight: inFlight) {
                _ = try await storage.roster(user: user)
            }
            let message = XMLElement(
                "message", namespace: XMPPNamespace.client, attributes: ["to": user, "type": "chat"],
                children: [.element(XMLElement(name: "body", namespace: XMPPNamespace.client, children: [.text("benchmark")]))])
            // The offline box holds `storage.offline_max_messages`; empty it as we go.
            let storeRate = try await Self.measure(requests: requests, inFlight: inFlight) {
                do {
                    try await storage.storeOffline(user: user, message: message)
                } catch StorageClientError.rejected(condition: "service-unavailable", _) {
                    _ = try await storage.takeOffline(user: user)
                }
            }
            _ = try await storage.takeOffline(user: user)
            print(String(format: "storage roster.get (%d items): %.0f requests/s, %d in flight", contacts, rosterRate, inFlight))
            print(String(format: "storage offline.store: %.0f requests/s, %d in flight (synchronous=FULL)", storeRate, inFlight))
        }
    }

    /// Runs `operation` `requests` times with `inFlight` at once; requests/s.
    static func measure(requests: Int, inFlight: Int, _ operation: @escaping @Sendable () async throws -> Void) async throws -> Double {
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<inFlight {
                group.addTask {
                    var index = lane
                    while index < requests {
                        try await operation()
                        index += inFlight
                    }
                }
            }
            try await group.waitForAll()
        }
        return Double(requests) / (ContinuousClock.now - start).seconds
    }
}
