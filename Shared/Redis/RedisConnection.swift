import Logging
import NIOCore
import NIOPosix
import Synchronization

/// One connection to Redis. Commands are pipelined: many may be in flight, and
/// replies come back in order. Made by `RedisClient` (shared, or dedicated to a
/// blocking or subscribing caller) or directly by `connect`.
public final class RedisConnection: Sendable {
    let channel: any Channel
    public let configuration: RedisConfiguration
    let outbox: RedisWriteCoalescer

    /// The event loop the connection's I/O runs on: a task that mostly waits
    /// on this connection can prefer it (`EventLoopTaskExecutor`), so its
    /// replies resume it on the same thread.
    public var eventLoop: any EventLoop { channel.eventLoop }

    init(channel: any Channel, configuration: RedisConfiguration) {
        self.channel = channel
        self.configuration = configuration
        self.outbox = RedisWriteCoalescer(channel: channel)
    }

    /// Connects, then authenticates and selects the database. With sentinels
    /// (`configuration.sentinel`) it first asks them for the master (through
    /// `locator`, which remembers which sentinel answered; a fresh one when
    /// `nil`), and after the handshake checks with `ROLE` that the server is the
    /// master, else closes and throws `RedisError.notMaster`.
    public static func connect(
        _ configuration: RedisConfiguration,
        onPush: (@Sendable (RESPValue) -> Void)? = nil,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        locator: RedisMasterLocator? = nil
    ) async throws -> RedisConnection {
        guard let sentinel = configuration.sentinel else {
            return try await open(configuration, onPush: onPush, eventLoopGroup: eventLoopGroup)
        }
        let master = try await (locator ?? RedisMasterLocator(configuration: sentinel))
            .locate(timeouts: configuration, eventLoopGroup: eventLoopGroup)
        var direct = configuration
        direct.host = master.host
        direct.port = master.port
        let connection = try await open(direct, onPush: onPush, eventLoopGroup: eventLoopGroup)
        do {
            guard RedisSentinelReply.isMaster(try await connection.send(["ROLE"])) else {
                throw RedisError.notMaster(master.description)
            }
        } catch {
            connection.close()
            throw error
        }
        return connection
    }

    /// Connects to `configuration.host:port` (never through sentinels), then
    /// authenticates and selects the database.
    static func open(
        _ configuration: RedisConfiguration, onPush: (@Sendable (RESPValue) -> Void)?, eventLoopGroup: any EventLoopGroup
    ) async throws -> RedisConnection {
        let channel = try await ClientBootstrap(group: eventLoopGroup)
            .connectTimeout(.nanoseconds(Int64(configuration.connectTimeout.components.seconds) * 1_000_000_000
                + configuration.connectTimeout.components.attoseconds / 1_000_000_000))
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(RedisChannelHandler(onPush: onPush))
                }
            }
            .connect(host: configuration.host, port: configuration.port).get()
        let connection = RedisConnection(channel: channel, configuration: configuration)
        do {
            try await connection.handshake()
        } catch {
            connection.close()
            throw error
        }
        return connection
    }

    /// The server this connection talks to (the master a sentinel named, with sentinels).
    public var serverAddress: RedisServerAddress {
        RedisServerAddress(host: configuration.host, port: configuration.port)
    }

    private func handshake() async throws {
        if let password = configuration.password {
            var arguments: [any RESPArgument] = ["AUTH"]
            if let username = configuration.username { arguments.append(username) }
            arguments.append(password)
            do {
                _ = try await send(arguments)
            } catch RedisError.server(let message) {
                throw RedisError.handshakeFailed(message)
            }
        }
        if configuration.database != 0 {
            do {
                _ = try await send(["SELECT", configuration.database])
            } catch RedisError.server(let message) {
                throw RedisError.handshakeFailed(message)
            }
        }
    }

    public var isActive: Bool { channel.isActive }

    /// Sends one command and waits for its reply. An error reply throws
    /// `RedisError.server`.
    public func send(_ arguments: [any RESPArgument]) async throws -> RESPValue {
        let reply = try await sendRaw([arguments])[0]
        if case .error(let message) = reply { throw RedisError.server(message) }
        return reply
    }

    /// Sends one command.
    public func send(_ arguments: any RESPArgument...) async throws -> RESPValue {
        try await send(arguments)
    }

    /// Sends commands in one write and returns every reply in order, error replies
    /// included as `.error` (one failing command does not fail the others).
    public func pipeline(_ commands: [[any RESPArgument]]) async throws -> [RESPValue] {
        try await sendRaw(commands)
    }

    /// Sends a blocking command (`BLPOP`, `XREADGROUP … BLOCK`) whose reply may take
    /// up to `timeout` longer than usual.
    public func sendBlocking(_ arguments: [any RESPArgument], blockFor timeout: Duration) async throws -> RESPValue {
        let reply = try await sendRaw([arguments], extraTime: timeout)[0]
        if case .error(let message) = reply { throw RedisError.server(message) }
        return reply
    }

    func sendRaw(_ commands: [[any RESPArgument]], extraTime: Duration = .zero) async throws -> [RESPValue] {
        guard !commands.isEmpty else { return [] }
        guard channel.isActive else { throw RedisError.connectionClosed }
        var buffer = channel.allocator.buffer(capacity: 64 * commands.count)
        for command in commands { RESPEncoding.writeCommand(command, to: &buffer) }
        let promise = channel.eventLoop.makePromise(of: [RESPValue].self)
        let deadline = NIODeadline.now() + .nanoseconds(Self.nanoseconds(configuration.commandTimeout + extraTime))
        outbox.enqueue(RedisOutboundBatch(
            bytes: buffer, replies: RedisReplyBatch(promise: promise, expected: commands.count, deadline: deadline)))
        return try await promise.futureResult.get()
    }

    public func close() {
        channel.close(promise: nil)
    }

    /// Completes when the connection is closed, for whatever reason.
    public func closed() async {
        try? await channel.closeFuture.get()
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
    }
}
