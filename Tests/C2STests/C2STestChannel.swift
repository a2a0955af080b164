import Cluster
import Gateway
import Logging
import NIOCore
import NIOEmbedded
import Redis
import XMPPCore
import XMPPStream
@testable import C2S

/// Redis that is down: every command fails, as when the server is unreachable.
struct UnreachableRedis: RedisCommandSender {
    func send(_ arguments: [any RESPArgument]) async throws -> RESPValue { throw RedisError.disconnected }
    func pipeline(_ commands: [[any RESPArgument]]) async throws -> [RESPValue] { throw RedisError.disconnected }
}

/// Storage that never answers (a lookup stuck until its task is cancelled).
struct StuckCredentials: CredentialSource {
    func credentials(username: String, domain: String, hashFunction: SCRAMHashFunction) async throws -> SCRAMCredentials? {
        try await Task.sleep(for: .seconds(3600))
        return nil
    }
}

/// Storage that cannot answer (the cluster is away).
struct UnavailableCredentials: CredentialSource {
    struct Unavailable: Error {}
    func credentials(username: String, domain: String, hashFunction: SCRAMHashFunction) async throws -> SCRAMCredentials? {
        throw Unavailable()
    }
}

/// One client connection's pipeline on a `NIOAsyncTestingChannel`: bytes in,
/// bytes out, with the cluster unreachable.
struct C2STestChannel {
    let channel = NIOAsyncTestingChannel()

    /// `inFront` are handlers placed before the connection handler (flood control).
    init(
        allowPLAINWithoutTLS: Bool = true, handshakeTimeout: TimeAmount = .seconds(30),
        closeTimeout: TimeAmount = .seconds(5), credentials: any CredentialSource = UnavailableCredentials(),
        inFront: [any ChannelHandler] = []
    ) async throws {
        let environment = GatewayEnvironment(
            node: NodeID("c2s-test")!, keys: ClusterKeys(prefix: "test:"), redis: UnreachableRedis(), partitions: 4,
            sessions: LocalSessions(), credentials: credentials, maxResourcesPerAccount: 5,
            logger: Logger(label: "c2s-test"))
        let settings = C2SConnectionHandler.Settings(
            environment: environment,
            negotiation: .init(domains: ["localhost"], tlsAvailable: false, tlsRequired: false, allowPLAINWithoutTLS: allowPLAINWithoutTLS),
            limits: .init(maxStanzaSize: 4096), tlsContext: nil, handshakeTimeout: handshakeTimeout,
            closeTimeout: closeTimeout,
            // The testing loop runs tasks only when the test drives it.
            sessionsOnEventLoop: false)
        for handler in inFront { try await channel.pipeline.addHandler(handler) }
        try await channel.pipeline.addHandler(C2SConnectionHandler(settings: settings, secured: false))
        try await channel.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 5222))
    }

    func send(_ text: String) async throws {
        try await channel.writeInbound(ByteBuffer(string: text))
    }

    /// Everything written until `predicate` holds for the text so far (or 5 s pass).
    func output(until predicate: (String) -> Bool) async throws -> String {
        var text = ""
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            while let buffer = try await channel.readOutbound(as: ByteBuffer.self) {
                text += String(buffer: buffer)
            }
            if predicate(text) { return text }
            try await Task.sleep(for: .milliseconds(5))
        }
        return text
    }

    func isClosed() async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            if !channel.isActive { return true }
            try await Task.sleep(for: .milliseconds(5))
        }
        return false
    }

    static let header =
        "<?xml version='1.0'?><stream:stream to='localhost' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"
}
