import ArgumentParser
import Cluster
import ClusterIO
import Logging
import Redis
import XMPPCore
import XMPPStream

/// Creates the bench accounts and ring rosters in a Trellis cluster through its
/// storage service (the same requests `trellisctl user add` sends, many at once).
/// Rosters get mutual subscriptions by applying the four RFC 6121 Appendix A
/// steps per pair: subscribe, subscribed, and back.
struct TrellisProvisioning: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provision-trellis", abstract: "Create bench accounts and 50-contact rosters in a Trellis cluster.")

    @Option(help: "Redis host of the cluster.") var redisHost = "127.0.0.2"
    @Option(help: "Redis port.") var redisPort = 6379
    @Option(help: "Key prefix.") var prefix = "trellis:"
    @Option(help: "XMPP domain.") var domain = "localhost"
    @Option(help: "Password of every account.") var password = "bench-password"
    @Option(help: "Plain accounts <user-prefix>0….") var users = 2000
    @Option(help: "Prefix of the plain accounts.") var userPrefix = "u"
    @Option(help: "Accounts with ring rosters <roster-prefix>0….") var rosterUsers = 100
    @Option(help: "Prefix of the roster accounts.") var rosterPrefix = "p"
    @Option(help: "Contacts per roster (even: ±contacts/2 around the ring).") var contacts = 50
    @Option(help: "PBKDF2 iterations (Trellis' default storage.scram_iterations).") var iterations = 4096
    @Option(help: "Requests in flight.") var concurrency = 32

    func validate() throws {
        guard redisHost.hasPrefix("127.") else { throw ValidationError("--redis-host must be loopback") }
        guard contacts % 2 == 0, rosterUsers == 0 || rosterUsers > contacts else {
            throw ValidationError("--contacts must be even and below --roster-users")
        }
    }

    func run() async throws {
        let logger = Logger(label: "trellis-bench") { _ in SwiftLogNoOpLogHandler() }
        let names = (0..<users).map { "\(userPrefix)\($0)@\(domain)" } + (0..<rosterUsers).map { "\(rosterPrefix)\($0)@\(domain)" }
        let password = password, iterations = iterations
        try await StorageClient.withClient(
            redis: RedisConfiguration(host: redisHost, port: redisPort), keys: ClusterKeys(prefix: prefix),
            nodeID: NodeID("bench-provision")!, timeout: .seconds(30), logger: logger
        ) { client in
            try await Self.bounded(names, concurrency: concurrency) { name in
                let credentials = try SCRAMCredentials.deriveAll(password: password, iterations: iterations)
                try await client.createAccount(user: name, credentials: credentials, ifMissing: true)
            }
            print("provision-trellis: \(names.count) accounts")
            var pairs: [(String, String)] = []
            for index in 0..<rosterUsers {
                for offset in 1...(contacts / 2) {
                    pairs.append(("\(rosterPrefix)\(index)@\(domain)", "\(rosterPrefix)\((index + offset) % rosterUsers)@\(domain)"))
                }
            }
            try await Self.bounded(pairs, concurrency: concurrency) { user, contact in
                // RFC 6121 Appendix A: none → to/from → both, for both users at once.
                for (from, to, event) in [
                    (user, contact, PresenceType.subscribe), (contact, user, .subscribed),
                    (contact, user, .subscribe), (user, contact, .subscribed),
                ] {
                    _ = try await client.applySubscription(user: from, contact: to, event: event)
                }
            }
            print("provision-trellis: \(pairs.count) mutual subscriptions (\(contacts) contacts per roster)")
        }
    }

    /// Runs `body` over `items`, at most `concurrency` at once.
    static func bounded<Item: Sendable>(
        _ items: [Item], concurrency: Int, _ body: @escaping @Sendable (Item) async throws -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            for _ in 0..<min(concurrency, items.count) {
                let item = items[next]
                next += 1
                group.addTask { try await body(item) }
            }
            while try await group.next() != nil, next < items.count {
                let item = items[next]
                next += 1
                group.addTask { try await body(item) }
            }
            try await group.waitForAll()
        }
    }
}
