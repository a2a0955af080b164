import ArgumentParser
import Foundation
import Logging
import Redis

/// The Redis client's pipelined throughput on one connection, against
/// `redis-benchmark -P 16` on the same server in the same run.
struct RedisClientBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "redis", abstract: "Redis client throughput vs redis-benchmark.")

    @Option(help: "Requests per command type (SET, then GET).") var requests = 200_000
    @Option(help: "Commands per pipelined batch.") var pipeline = 16
    @Option(help: "Batches in flight at once on the one connection.") var inFlight = 16
    @Option(help: "Port of a redis-server on 127.0.0.1; by default the benchmark starts its own.") var port: Int?

    func run() async throws {
        let server = try port.map { ($0, nil as Process?) } ?? Self.startServer()
        defer { server.1?.terminate() }
        let redisPort = server.0

        let reference = try Self.redisBenchmark(port: redisPort, requests: requests, pipeline: pipeline, clients: 50)
        let single = try Self.redisBenchmark(port: redisPort, requests: requests, pipeline: pipeline, clients: 1)

        let connection = try await RedisConnection.connect(RedisConfiguration(host: "127.0.0.1", port: redisPort))
        defer { connection.close() }
        var ours: [String: Double] = [:]
        for command in ["SET", "GET"] {
            let batches = requests / pipeline
            let start = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for lane in 0..<inFlight {
                    group.addTask {
                        var batch = lane
                        while batch < batches {
                            let commands: [[any RESPArgument]] = (0..<pipeline).map { index in
                                command == "SET" ? ["SET", "key:__rand_int__", "xxx"] : ["GET", "key:__rand_int__"]
                            }
                            _ = try await connection.pipeline(commands)
                            batch += inFlight
                        }
                    }
                }
                try await group.waitForAll()
            }
            ours[command] = Double(batches * pipeline) / (ContinuousClock.now - start).seconds
        }
        print("redis: \(requests) requests per command, pipeline \(pipeline)")
        for command in ["SET", "GET"] {
            let theirs = reference[command] ?? 0
            print(String(
                format: "redis %@: trellis (1 connection, %d batches in flight) %.0f req/s | redis-benchmark -P %d: -c 1 %.0f req/s, -c 50 %.0f req/s | ratio vs -c 1: %.2f, vs -c 50: %.2f",
                command, inFlight, ours[command] ?? 0, pipeline, single[command] ?? 0, theirs,
                (ours[command] ?? 0) / max(single[command] ?? 0, 1), (ours[command] ?? 0) / max(theirs, 1)))
        }
    }

    static func startServer() throws -> (Int, Process?) {
        let port = Int.random(in: 30000...40000)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/redis-server")
        process.arguments = ["--bind", "127.0.0.1", "--port", String(port), "--save", "", "--appendonly", "no"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: 0.5)
        return (port, process)
    }

    /// Runs `redis-benchmark -q` and reads its `SET: 123456.78 requests per second` lines.
    static func redisBenchmark(port: Int, requests: Int, pipeline: Int, clients: Int) throws -> [String: Double] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/redis-benchmark")
        process.arguments = ["-h", "127.0.0.1", "-p", String(port), "-t", "set,get", "-n", String(requests),
                             "-P", String(pipeline), "-c", String(clients), "-q"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        process.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        var rates: [String: Double] = [:]
        for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let number = parts[1].split(separator: " ").first(where: { Double($0) != nil }) else { continue }
            rates[String(parts[0]).trimmingCharacters(in: .whitespaces)] = Double(number)
        }
        return rates
    }
}
