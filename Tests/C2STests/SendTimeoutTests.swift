import NIOCore
import NIOPosix
import Testing
@testable import C2S

/// `c2s.send_timeout_seconds`: every accepted client socket carries it as
/// `TCP_USER_TIMEOUT`, so the kernel drops a peer that stopped acknowledging
/// what we write (gone without a FIN) after that long instead of ~15 minutes.
@Suite("c2s send timeout")
struct SendTimeoutTests {
    func acceptedSocket(sendTimeout: TimeAmount?) async throws -> (accepted: any Channel, close: () async -> Void) {
        let group = MultiThreadedEventLoopGroup.singleton
        let accepted = group.next().makePromise(of: (any Channel).self)
        let server = try await C2SServer.withSocketOptions(ServerBootstrap(group: group), sendTimeout: sendTimeout)
            .childChannelInitializer { channel in
                accepted.succeed(channel)
                return channel.eventLoop.makeSucceededVoidFuture()
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let client = try await ClientBootstrap(group: group).connect(to: server.localAddress!).get()
        let channel = try await accepted.futureResult.get()
        return (channel, {
            try? await client.close()
            try? await channel.close()
            try? await server.close()
        })
    }

    @Test func acceptedSocketsCarryTheSendTimeout() async throws {
        let (channel, close) = try await acceptedSocket(sendTimeout: .seconds(45))
        #expect(try await channel.getOption(C2SServer.sendTimeoutOption).get() == 45_000)
        #expect(try await channel.getOption(.tcpOption(.tcp_nodelay)).get() != 0)
        await close()
    }

    @Test func withoutOneTheKernelDefaultStays() async throws {
        let (channel, close) = try await acceptedSocket(sendTimeout: nil)
        #expect(try await channel.getOption(C2SServer.sendTimeoutOption).get() == 0)
        await close()
    }
}
