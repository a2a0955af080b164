import ArgumentParser
import Foundation
import NIOCore

/// Options every XMPP load scenario shares: where the server is, how the
/// accounts are named, how many event loops drive the clients, where the JSON goes.
struct LoadOptions: ParsableArguments {
    @Option(help: "Server address (loopback only).") var host = "127.0.0.1"
    @Option(help: "c2s port (plain TCP, SASL without TLS).") var port = 5222
    @Option(help: "XMPP domain the accounts live in.") var domain = "localhost"
    @Option(help: "Password of every bench account.") var password = "bench-password"
    @Option(help: "Event-loop threads driving the clients.") var threads = 2
    @Option(help: "Logins in flight at once while connecting clients.") var concurrency = 50
    @Option(help: "Seconds a login may take before it counts as failed.") var loginTimeout = 30
    @Option(name: .customLong("pid"), help: "A server process to measure (RSS, CPU); repeat for each.")
    var pids: [Int32] = []
    @Option(help: "A name for the target, copied into the JSON.") var label = "target"
    @Option(help: "Write every figure as JSON to this file.") var json: String?

    func validate() throws {
        guard host.hasPrefix("127.") else { throw ValidationError("--host must be in 127.0.0.0/8") }
        guard (1...16).contains(threads) else { throw ValidationError("--threads must be 1-16") }
        guard concurrency > 0 else { throw ValidationError("--concurrency must be positive") }
    }

    var endpoint: LoadEndpoint { LoadEndpoint(host: host, port: port, domain: domain) }

    func account(_ user: String, resource: String) -> LoadAccount {
        LoadAccount(user: user, domain: domain, password: password, resource: resource)
    }

    var timeout: TimeAmount { .seconds(Int64(loginTimeout)) }

    /// Writes `figures` (plus the label and the generator's and servers' usage) as JSON.
    func report(_ scenario: String, _ figures: [String: Any], usage: UsageSample? = nil) throws {
        var document = figures
        document["scenario"] = scenario
        document["label"] = label
        if let usage { document["usage"] = usage.json }
        let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
        if let json {
            try data.write(to: URL(fileURLWithPath: json))
        }
    }
}
