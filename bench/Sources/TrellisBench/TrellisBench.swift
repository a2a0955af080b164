import ArgumentParser

/// `trellis-bench`: Trellis's own benchmarks, run by hand (see bench/README.md).
/// Every loop is bounded in count and time, and only loopback is ever used.
@main
struct TrellisBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trellis-bench",
        abstract: "Benchmarks: Trellis's building blocks, and XMPP load against any server on loopback.",
        subcommands: [
            RedisClientBenchmark.self, XMLParserBenchmark.self, StorageBenchmark.self,
            LoginBenchmark.self, MessageBenchmark.self, PresenceBenchmark.self, IdleBenchmark.self,
            TrellisProvisioning.self,
        ])
}
