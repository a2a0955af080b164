import ArgumentParser
import Cluster
import ClusterIO
import Foundation
import Logging
import Redis
import Runtime
import XMPPStream

/// Where the cluster's Redis is, shared by every command. Defaults come from
/// the Trellis configuration (environment, then `TRELLIS_CONFIG`), as for the
/// services themselves.
struct ClusterOptions: ParsableArguments {
    @Option(help: "Redis host (default: redis.host / TRELLIS_REDIS_HOST, else 127.0.0.1).")
    var redisHost: String?

    @Option(help: "Redis port (default: redis.port / TRELLIS_REDIS_PORT, else 6379).")
    var redisPort: Int?

    @Option(help: "Key prefix (default: redis.prefix / TRELLIS_REDIS_PREFIX, else trellis:).")
    var prefix: String?

    @Option(name: .customLong("timeout-ms"), help: "How long to wait for storage (default: storage.request_timeout_ms, else 5000).")
    var timeoutMilliseconds: Int?

    /// The settings after the overrides.
    struct Resolved {
        var redis: RedisConfiguration
        var keys: ClusterKeys
        var timeout: Duration
        var storage: StorageConfiguration

        /// SCRAM credentials for every mechanism, derived here: the password
        /// itself never leaves the process.
        func credentials(for password: String) throws -> [SCRAMCredentials] {
            try SCRAMCredentials.deriveAll(password: password, iterations: storage.scramIterations)
        }
    }

    func resolve() async throws -> Resolved {
        let source = try await ConfigSource(environment: ProcessInfo.processInfo.environment)
        let common = try CommonConfiguration(role: .storage, source: source)
        var redis = common.redis.clientConfiguration
        if let redisHost { redis.host = redisHost }
        if let redisPort { redis.port = redisPort }
        redis.connectTimeout = .seconds(2)
        return Resolved(
            redis: redis, keys: ClusterKeys(prefix: prefix ?? common.redis.keyPrefix),
            timeout: .milliseconds(timeoutMilliseconds ?? common.storageRequestTimeoutMilliseconds),
            storage: try StorageConfiguration(source: source))
    }

    func validate() throws {
        if let redisPort, !(1...65535).contains(redisPort) { throw ValidationError("--redis-port must be 1-65535") }
        if let timeoutMilliseconds, timeoutMilliseconds < 1 { throw ValidationError("--timeout-ms must be positive") }
    }

    /// A node id of its own (`trellisctl-<8 hex>`), so replies come to a list
    /// nobody else reads; the list expires shortly after the last reply.
    static func nodeID() -> NodeID {
        let hex = String(UInt32.random(in: .min ... .max), radix: 16)
        return NodeID("trellisctl-" + String(repeating: "0", count: 8 - hex.count) + hex)!
    }

    static let logger = Logger(label: "trellisctl") { _ in SwiftLogNoOpLogHandler() }

    /// Runs `body` with a storage client (and its Redis client), mapping every
    /// failure to the documented exit codes.
    func withStorage(_ body: (StorageClient, Resolved) async throws -> Void) async throws {
        do {
            let resolved = try await resolve()
            try await StorageClient.withClient(
                redis: resolved.redis, keys: resolved.keys, nodeID: Self.nodeID(), timeout: resolved.timeout,
                logger: Self.logger
            ) { client in try await body(client, resolved) }
        } catch {
            throw CtlExit.report(error)
        }
    }

    /// Runs `body` with a connected Redis client only (cluster state reads).
    func withRedis(_ body: (RedisClient, ClusterKeys) async throws -> Void) async throws {
        do {
            let resolved = try await resolve()
            let redis = RedisClient(configuration: resolved.redis, logger: Self.logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await redis.run() }
                defer { group.cancelAll() }
                let deadline = ContinuousClock.now + .seconds(3)
                while !redis.isConnected {
                    guard ContinuousClock.now < deadline else {
                        throw StorageClientError.unavailable("redis at \(resolved.redis.address) is unreachable")
                    }
                    try await Task.sleep(for: .milliseconds(10))
                }
                try await body(redis, resolved.keys)
            }
        } catch {
            throw CtlExit.report(error)
        }
    }
}
