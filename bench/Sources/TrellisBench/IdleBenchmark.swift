import ArgumentParser
import Foundation

/// Idle connections: logs clients in step by step and, after each step has
/// settled, sums the resident memory (VmRSS) of the server processes given with
/// `--pid`. Reports memory per idle connection.
struct IdleBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "idle", abstract: "Idle sessions: server RSS (from /proc) per connection.")

    @OptionGroup var options: LoadOptions
    @Option(help: "Idle connections at the end.") var connections = 10_000
    @Option(help: "Resources per account (accounts <user-prefix>0…).") var resourcesPerUser = 5
    @Option(help: "Prefix of the account names.") var userPrefix = "u"
    @Option(help: "Steps at which memory is sampled.") var steps = 4
    @Option(help: "Seconds to wait after each step before sampling.") var settle = 3.0

    func validate() throws {
        guard connections > 0, connections <= 50_000, steps > 0, resourcesPerUser > 0, settle <= 60 else {
            throw ValidationError("connections 1-50000, positive steps and resources")
        }
        guard !pids.isEmpty else { throw ValidationError("give the server processes with --pid") }
    }

    private var pids: [Int32] { options.pids }

    private func residentKiB() -> Int { pids.compactMap(ProcessUsage.residentKiB).reduce(0, +) }

    func run() async throws {
        let fleet = ClientFleet(options: options)
        let accounts = (0..<connections).map {
            options.account("\(userPrefix)\($0 / resourcesPerUser)", resource: "idle\($0 % resourcesPerUser)")
        }
        var points: [[String: Any]] = [["connections": 0, "rss_kib": residentKiB()]]
        var opened: [LoadConnection?] = []
        var failures: [String] = []
        var usage = UsageSample(pids: pids)
        for step in 1...steps {
            let range = (connections * (step - 1) / steps)..<(connections * step / steps)
            let outcome = await fleet.connect(Array(accounts[range]))
            opened += outcome.connections
            failures += outcome.failures
            try await Task.sleep(for: .seconds(settle))
            let live = opened.count - failures.count
            points.append(["connections": live, "rss_kib": residentKiB()])
            print("idle \(options.label): \(live) connections, servers' RSS \(residentKiB() / 1024) MiB")
        }
        usage.finish()
        let perProcess = Dictionary(uniqueKeysWithValues: pids.map { ("\($0)", ProcessUsage.residentKiB($0) ?? 0) })
        await fleet.closeAll(opened)
        await fleet.shutdown()

        let first = points.first!, last = points.last!
        let live = last["connections"] as! Int
        let perConnection = Double((last["rss_kib"] as! Int) - (first["rss_kib"] as! Int)) * 1024 / Double(max(live, 1))
        print(String(format: "idle %@: %d connections, %.1f KiB of server RSS per connection", options.label, live, perConnection / 1024))
        ClientFleet.printFailures(failures)
        try options.report(
            "idle",
            [
                "connections": live, "failed": failures.count, "points": points,
                "rss_bytes_per_connection": perConnection, "rss_kib_by_pid": perProcess,
            ], usage: usage)
        if live == 0 { throw ExitCode.failure }
    }
}
