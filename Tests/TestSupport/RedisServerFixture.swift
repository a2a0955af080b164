import Foundation

/// A real `redis-server` on a free 127.0.0.1 port, for integration tests.
///
/// Closure-scoped: `try await RedisServerFixture.with { server in … }` starts it,
/// and kills it by PID when the closure returns or throws, so no test leaves a
/// server behind. `kill()` / `start()` / `restart()` drive failure drills on
/// the same port.
public final class RedisServerFixture: @unchecked Sendable {
    public let host = "127.0.0.1"
    public let port: Int
    public let password: String?
    public let directory: URL
    private let lock = NSLock()
    private var process: Process?

    private init(port: Int, password: String?, directory: URL) {
        self.port = port
        self.password = password
        self.directory = directory
    }

    /// Runs `body` with a fresh server; extra `redis-server` arguments (e.g. ACL
    /// users) may be given.
    public static func with<T>(
        password: String? = nil, arguments: [String] = [], _ body: (RedisServerFixture) async throws -> T
    ) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trellis-redis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var lastError: (any Error)?
        for _ in 0..<5 {
            let server = RedisServerFixture(port: FreePort.find(), password: password, directory: directory)
            server.extraArguments = arguments
            do {
                try await server.start()
            } catch {
                lastError = error
                server.kill()
                continue
            }
            defer {
                server.kill()
                try? FileManager.default.removeItem(at: directory)
            }
            return try await body(server)
        }
        try? FileManager.default.removeItem(at: directory)
        throw lastError ?? FixtureError.couldNotStart("redis-server")
    }

    private var extraArguments: [String] = []

    /// Starts the server (again) on this fixture's port and waits until it answers.
    public func start() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable)
        var arguments = [
            "--bind", host, "--port", String(port), "--save", "", "--appendonly", "no",
            "--daemonize", "no", "--enable-debug-command", "yes", "--dir", directory.path, "--logfile", directory.appendingPathComponent("redis.log").path,
        ]
        if let password { arguments += ["--requirepass", password] }
        process.arguments = arguments + extraArguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        lock.withLock { self.process = process }
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            guard process.isRunning else { throw FixtureError.couldNotStart("redis-server exited") }
            if Self.answersPing(host: host, port: port) { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw FixtureError.couldNotStart("redis-server did not answer within 10 s")
    }

    /// SIGKILL, like a crash; waits until the process is gone.
    public func kill() {
        guard let process = lock.withLock({ self.process }) else { return }
        if process.isRunning {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        lock.withLock { self.process = nil }
    }

    /// Kill -9, then start again on the same port.
    public func restart() async throws {
        kill()
        try await start()
    }

    public var pid: Int32? { lock.withLock { process?.processIdentifier } }

    static var executable: String {
        for path in ["/usr/bin/redis-server", "/usr/local/bin/redis-server"] where FileManager.default.isExecutableFile(atPath: path) {
            return path
        }
        return "/usr/bin/redis-server"
    }

    /// A plain-socket PING (or any reply: NOAUTH also proves the server is up).
    static func answersPing(host: String, port: Int) -> Bool {
        guard let reply = RawSocket.exchange(host: host, port: port, send: "PING\r\n") else { return false }
        return reply.hasPrefix("+PONG") || reply.hasPrefix("-NOAUTH")
    }
}

public enum FixtureError: Error, CustomStringConvertible {
    case couldNotStart(String)

    public var description: String {
        switch self {
        case .couldNotStart(let what): "could not start \(what)"
        }
    }
}
