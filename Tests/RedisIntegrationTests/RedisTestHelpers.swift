import Foundation
import Logging
import Redis
import TestSupport

/// Runs `body` with a `RedisClient` connected to `server`, its `run()` loop in a
/// child task that is cancelled afterwards.
func withClient<T: Sendable>(
    _ server: RedisServerFixture, username: String? = nil, password: String? = nil, database: Int = 0,
    commandTimeout: Duration = .seconds(2),
    _ body: @escaping @Sendable (RedisClient) async throws -> T
) async throws -> T {
    let configuration = RedisConfiguration(
        host: server.host, port: server.port, username: username, password: password ?? server.password,
        database: database, commandTimeout: commandTimeout,
        backoff: RedisBackoff(initial: .milliseconds(50), maximum: .milliseconds(300)))
    return try await withClient(configuration, body)
}

/// Runs `body` with a `RedisClient` of `configuration` once it connected, its
/// `run()` loop in a child task that is cancelled afterwards.
func withClient<T: Sendable>(
    _ configuration: RedisConfiguration, _ body: @escaping @Sendable (RedisClient) async throws -> T
) async throws -> T {
    let client = RedisClient(configuration: configuration, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask {
            try await client.run()
            return nil
        }
        try await waitUntil("client connected") { client.isConnected }
        group.addTask { try await body(client) }
        defer { group.cancelAll() }
        while let result = try await group.next() {
            if let result { return result }
        }
        fatalError("unreachable")
    }
}

/// A key prefix unique to one test.
func uniquePrefix(_ test: String = #function) -> String {
    "test:\(test.prefix { $0 != "(" }):\(UUID().uuidString.prefix(8)):"
}
