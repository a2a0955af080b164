import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// The Redis client a Trellis service holds.
///
/// One shared connection carries ordinary commands, pipelined (Redis is fastest
/// that way). Blocking commands and subscriptions get connections of their own
/// (`withDedicatedConnection`, `subscribe`), so they never stall other callers.
///
/// `run()` (it is a swift-service-lifecycle `Service`) keeps the shared connection
/// up: it reconnects with backoff whenever the connection drops, and reports each
/// change on `connectionStates()` so services can re-register what they own after
/// a Redis restart. While disconnected, commands fail at once with
/// `RedisError.disconnected`; nothing queues up behind a dead server.
public final class RedisClient: Service, Sendable {
    public let configuration: RedisConfiguration
    private let logger: Logger
    private let eventLoopGroup: any EventLoopGroup
    private let current = Mutex<RedisConnection?>(nil)
    private let observers = Mutex<[Int: AsyncStream<RedisConnectionState>.Continuation]>([:])
    private let nextObserver = Mutex(0)
    /// With sentinels: asks them for the master before every connect, shared
    /// by the shared, dedicated and subscribing connections.
    private let locator: RedisMasterLocator?
    private let connections = Atomic<Int>(0)

    public init(
        configuration: RedisConfiguration, logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "redis.address"] = .string(configuration.address)
        self.logger = logger
        self.eventLoopGroup = eventLoopGroup
        self.locator = configuration.sentinel.map(RedisMasterLocator.init(configuration:))
    }

    /// How many times the shared connection has come up: a service that sees
    /// it change knows Redis may be another server now (a restart, or a
    /// failover to a replica that missed the last writes).
    public var connectionGeneration: Int { connections.load(ordering: .relaxed) }

    /// Whether the shared connection is up right now.
    public var isConnected: Bool {
        current.withLock { $0?.isActive ?? false }
    }

    // MARK: Service

    public func run() async throws {
        var attempt = 0
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let connection = try await RedisConnection.connect(
                    configuration, eventLoopGroup: eventLoopGroup, locator: locator)
                if attempt > 0 {
                    logger.info(
                        "redis reconnected",
                        metadata: ["redis.attempts": "\(attempt)", "redis.server": "\(connection.serverAddress)"])
                }
                attempt = 0
                current.withLock { $0 = connection }
                connections.add(1, ordering: .relaxed)
                notify(.connected)
                await withTaskCancellationHandler {
                    await withGracefulShutdownHandler {
                        await connection.closed()
                    } onGracefulShutdown: {
                        connection.close()
                    }
                } onCancel: {
                    connection.close()
                }
                current.withLock { $0 = nil }
                notify(.disconnected)
                if Task.isCancelled || Task.isShuttingDownGracefully { break }
                logger.warning("redis connection lost")
            } catch {
                if attempt == 0 || attempt % 20 == 0 {
                    logger.warning("redis unreachable", metadata: ["error": "\(error)"])
                }
            }
            let delay = configuration.backoff.delay(attempt: attempt)
            attempt += 1
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: delay) }
        }
        finishObservers()
    }

    // MARK: Commands on the shared connection

    /// Sends one command on the shared connection.
    public func send(_ arguments: [any RESPArgument]) async throws -> RESPValue {
        try await connection().send(arguments)
    }

    public func send(_ arguments: any RESPArgument...) async throws -> RESPValue {
        try await send(arguments)
    }

    /// Sends commands in one write; replies in order, error replies as `.error`.
    public func pipeline(_ commands: [[any RESPArgument]]) async throws -> [RESPValue] {
        try await connection().pipeline(commands)
    }

    private func connection() throws(RedisError) -> RedisConnection {
        guard let connection = current.withLock({ $0 }), connection.isActive else { throw .disconnected }
        return connection
    }

    // MARK: Dedicated connections

    /// Runs `body` on a connection of its own (for `BLPOP`, `XREADGROUP … BLOCK`),
    /// closed afterwards. Throws `RedisError.disconnected` when Redis is unreachable.
    public func withDedicatedConnection<Result: Sendable>(
        _ body: (RedisConnection) async throws -> Result
    ) async throws -> Result {
        let connection: RedisConnection
        do {
            connection = try await RedisConnection.connect(configuration, eventLoopGroup: eventLoopGroup, locator: locator)
        } catch let error as RedisError {
            if case .handshakeFailed = error { throw error }
            throw RedisError.disconnected
        } catch {
            throw RedisError.disconnected
        }
        defer { connection.close() }
        return try await body(connection)
    }

    /// Subscribes to channels (and channel `patterns`, `PSUBSCRIBE`) on a
    /// dedicated connection; `onSubscribed` runs once Redis confirmed every
    /// subscription, so a caller knows from when on it hears every message.
    /// The stream ends with an error when the connection drops (subscribe again
    /// to resume); ending the iteration closes the connection. Pub/sub may lose
    /// messages when a connection drops: use it for hints only, never for stanzas.
    public func subscribe(
        to channels: [String], patterns: [String] = [], onSubscribed: (@Sendable () -> Void)? = nil
    ) -> AsyncThrowingStream<RedisMessage, any Error> {
        let (stream, continuation) = AsyncThrowingStream<RedisMessage, any Error>.makeStream()
        let configuration = self.configuration
        let group = eventLoopGroup
        let locator = self.locator
        let task = Task {
            do {
                let connection = try await RedisConnection.connect(configuration, onPush: { push in
                    if let message = RedisMessage(push: push) { continuation.yield(message) }
                }, eventLoopGroup: group, locator: locator)
                continuation.onTermination = { _ in connection.close() }
                for channel in channels { _ = try await connection.send(["SUBSCRIBE", channel]) }
                for pattern in patterns { _ = try await connection.send(["PSUBSCRIBE", pattern]) }
                onSubscribed?()
                await connection.closed()
                continuation.finish(throwing: RedisError.connectionClosed)
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    // MARK: Connection state

    /// Every change of the shared connection from now on.
    public func connectionStates() -> AsyncStream<RedisConnectionState> {
        let (stream, continuation) = AsyncStream<RedisConnectionState>.makeStream()
        let id = nextObserver.withLock { value in
            value += 1
            return value
        }
        observers.withLock { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in
            _ = self?.observers.withLock { $0.removeValue(forKey: id) }
        }
        return stream
    }

    private func notify(_ state: RedisConnectionState) {
        for continuation in observers.withLock({ Array($0.values) }) { continuation.yield(state) }
    }

    private func finishObservers() {
        for continuation in observers.withLock({ Array($0.values) }) { continuation.finish() }
    }
}

/// The shared connection came up or went down.
public enum RedisConnectionState: Sendable, Hashable {
    case connected
    case disconnected
}

/// A pub/sub message.
public struct RedisMessage: Sendable, Hashable {
    public var channel: String
    public var payload: String
    /// The pattern that matched, for `PSUBSCRIBE`.
    public var pattern: String?

    init?(push: RESPValue) {
        guard let values = push.array, let kind = values.first?.string else { return nil }
        switch (kind, values.count) {
        case ("message", 3):
            guard let channel = values[1].string, let payload = values[2].string else { return nil }
            self.init(channel: channel, payload: payload, pattern: nil)
        case ("pmessage", 4):
            guard let pattern = values[1].string, let channel = values[2].string, let payload = values[3].string else { return nil }
            self.init(channel: channel, payload: payload, pattern: pattern)
        default:
            return nil
        }
    }

    public init(channel: String, payload: String, pattern: String? = nil) {
        self.channel = channel
        self.payload = payload
        self.pattern = pattern
    }
}
