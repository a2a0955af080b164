import ArgumentParser
import Foundation

/// Login storm: N clients connect, authenticate (SCRAM-SHA-1, no TLS), bind and
/// send initial presence, with a bounded number in flight; logins per second.
struct LoginBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login", abstract: "Login storm: connect, SCRAM-SHA-1, bind, initial presence; logins/s.")

    @OptionGroup var options: LoadOptions
    @Option(help: "Clients that log in (accounts <user-prefix>0…).") var clients = 1000
    @Option(help: "Prefix of the account names.") var userPrefix = "u"
    @Option(help: "Log every account in once first, unmeasured (fills the client's SCRAM key cache).")
    var warm = true

    func run() async throws {
        let fleet = ClientFleet(options: options)
        let accounts = (0..<clients).map { options.account("\(userPrefix)\($0)", resource: "login") }
        if warm {
            let warmup = await fleet.connect(accounts)
            await fleet.closeAll(warmup.connections)
            try await Task.sleep(for: .seconds(1))
        }
        var usage = UsageSample(pids: options.pids)
        let outcome = await fleet.connect(accounts)
        usage.finish()
        await fleet.closeAll(outcome.connections)
        await fleet.shutdown()

        let rate = Double(outcome.succeeded) / outcome.elapsed.seconds
        print(String(
            format: "login %@: %d/%d logins in %.2f s = %.0f logins/s (%d in flight); generator CPU %.0f%%",
            options.label, outcome.succeeded, clients, outcome.elapsed.seconds, rate, options.concurrency,
            usage.generatorCPUPercent))
        ClientFleet.printFailures(outcome.failures)
        try options.report(
            "login",
            [
                "clients": clients, "succeeded": outcome.succeeded, "failed": outcome.failures.count,
                "seconds": outcome.elapsed.seconds, "logins_per_second": rate, "in_flight": options.concurrency,
                "login_latency": outcome.loginLatency.json,
            ], usage: usage)
        if outcome.failures.count == clients { throw ExitCode.failure }
    }
}
