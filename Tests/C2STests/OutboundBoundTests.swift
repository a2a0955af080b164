import Gateway
import NIOCore
import NIOPosix
import Testing
@testable import C2S

/// Issue #16, the slow reader: a client that never reads may not grow the
/// gateway's memory without bound, nor hold up anyone else's writes.
@Suite("Outbound bound (slow readers)")
struct OutboundBoundTests {
    @Test func aClientThatNeverReadsIsDisconnectedOnceItsUnreadOutputPassesTheBound() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let accepted = group.next().makePromise(of: (any Channel).self)
        let server = try await ServerBootstrap(group: group)
            .childChannelOption(.socketOption(.so_sndbuf), value: 8192)
            .childChannelInitializer { channel in
                accepted.succeed(channel)
                return channel.eventLoop.makeSucceededVoidFuture()
            }
            .bind(host: "127.0.0.1", port: 0).get()
        // The client never reads (and its receive buffer is small).
        let client = try await ClientBootstrap(group: group)
            .channelOption(.autoRead, value: false)
            .channelOption(.socketOption(.so_rcvbuf), value: 8192)
            .connect(to: server.localAddress!).get()
        let channel = try await accepted.futureResult.get()
        let bound = 64 * 1024
        let transport = ChannelTransport(channel: channel, tlsContext: nil, maxOutboundBytes: bound)
        let chunk = String(repeating: "x", count: 16 * 1024)
        var taken = 0
        // Each write returns at once (it never waits for the client); the
        // first one that finds more than the bound unread is refused.
        while await transport.write(chunk) {
            taken += 1
            try #require(taken < 1000, "the bound never applied")
        }
        try await channel.closeFuture.get()
        #expect(taken * chunk.utf8.count < bound + 1024 * 1024, "more than the bound plus the kernel's buffers was taken")
        #expect(await transport.write("after") == false)
        try? await client.close()
        try? await server.close()
    }
}
