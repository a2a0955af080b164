import Foundation

/// A real Sentinel topology on free 127.0.0.1 ports, for integration tests: a
/// master, one replica (`--replicaof`) and `sentinels` sentinels
/// (`redis-server <conf> --sentinel`, quorum 2) with short failure detection,
/// so a `kill -9` of the master promotes the replica within a few seconds.
///
/// Closure-scoped like `RedisServerFixture`: every process is killed by PID when
/// the closure returns or throws.
public final class RedisSentinelFixture: @unchecked Sendable {
    public static let masterName = "trellis"
    public let master: RedisServerFixture
    public let replica: RedisServerFixture
    public let sentinelPorts: [Int]
    private let directory: URL
    private let lock = NSLock()
    private var sentinels: [Process] = []

    private init(master: RedisServerFixture, replica: RedisServerFixture, sentinelPorts: [Int], directory: URL) {
        self.master = master
        self.replica = replica
        self.sentinelPorts = sentinelPorts
        self.directory = directory
    }

    public static func with<T>(sentinels count: Int = 3, _ body: (RedisSentinelFixture) async throws -> T) async throws -> T {
        try await RedisServerFixture.with { master in
            try await RedisServerFixture.with(arguments: ["--replicaof", master.host, String(master.port)]) { replica in
                let directory = FileManager.default.temporaryDirectory
                    .appendingPathComponent("trellis-sentinel-\(UUID().uuidString)")
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                let fixture = RedisSentinelFixture(
                    master: master, replica: replica, sentinelPorts: (0..<count).map { _ in FreePort.find() },
                    directory: directory)
                defer {
                    fixture.stopSentinels()
                    try? FileManager.default.removeItem(at: directory)
                }
                try await fixture.startSentinels()
                try await fixture.waitForReplication()
                return try await body(fixture)
            }
        }
    }

    /// What a sentinel answers to `SENTINEL get-master-addr-by-name`, as a port.
    public func masterPort(askingSentinel index: Int = 0) -> Int? {
        let request = "SENTINEL get-master-addr-by-name \(Self.masterName)\r\n"
        guard let reply = RawSocket.exchange(host: "127.0.0.1", port: sentinelPorts[index], send: request) else { return nil }
        // *2\r\n$9\r\n127.0.0.1\r\n$5\r\n12345\r\n
        let lines = reply.split(separator: "\r\n")
        guard lines.count >= 5, lines[0] == "*2" else { return nil }
        return Int(lines[4])
    }

    private func startSentinels() async throws {
        for (index, port) in sentinelPorts.enumerated() {
            let config = directory.appendingPathComponent("sentinel-\(index).conf")
            try """
                port \(port)
                bind 127.0.0.1
                daemonize no
                dir \(directory.path)
                logfile \(directory.appendingPathComponent("sentinel-\(index).log").path)
                sentinel monitor \(Self.masterName) \(master.host) \(master.port) 2
                sentinel down-after-milliseconds \(Self.masterName) 1000
                sentinel failover-timeout \(Self.masterName) 5000
                sentinel parallel-syncs \(Self.masterName) 1

                """.write(to: config, atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: RedisServerFixture.executable)
            process.arguments = [config.path, "--sentinel"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            lock.withLock { sentinels.append(process) }
        }
        for index in sentinelPorts.indices {
            try await waitFor("sentinel \(index) knows the master") { self.masterPort(askingSentinel: index) == self.master.port }
        }
    }

    /// Until the replica has synced from the master (so a failover has something to promote).
    private func waitForReplication() async throws {
        try await waitFor("replica in sync") {
            guard let reply = RawSocket.exchange(host: self.replica.host, port: self.replica.port, send: "ROLE\r\n") else {
                return false
            }
            return reply.contains("connected")
        }
    }

    private func stopSentinels() {
        for process in lock.withLock({ sentinels }) where process.isRunning {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        lock.withLock { sentinels = [] }
    }

    private func waitFor(_ what: String, _ condition: @escaping () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw FixtureError.couldNotStart(what)
    }
}
