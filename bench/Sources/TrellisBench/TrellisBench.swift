import ArgumentParser

/// `trellis-bench`: Trellis's own benchmarks, run by hand (see bench/README.md).
/// Every loop is bounded in count and time, and only loopback is ever used.
@main
struct TrellisBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trellis-bench",
        abstract: "Benchmarks for Trellis's building blocks.",
        subcommands: [RedisClientBenchmark.self, StorageBenchmark.self, XMLParserBenchmark.self])
}
