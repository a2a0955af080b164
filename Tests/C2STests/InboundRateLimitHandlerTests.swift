import NIOCore
import NIOEmbedded
import Testing
@testable import C2S

/// Counts the `read()` requests that get through to the socket side.
final class ReadCounter: ChannelOutboundHandler, @unchecked Sendable {
    typealias OutboundIn = ByteBuffer
    var reads = 0
    func read(context: ChannelHandlerContext) {
        reads += 1
        context.read()
    }
}

@Suite("Inbound rate limit handler")
struct InboundRateLimitHandlerTests {
    @Test func readsAreHeldBackWhileOverTheRateAndResumeAfterwards() async throws {
        let channel = NIOAsyncTestingChannel()
        let counter = ReadCounter()
        try await channel.pipeline.addHandler(counter)
        try await channel.pipeline.addHandler(InboundRateLimitHandler(bucket: InboundTokenBucket(
            bytesPerSecond: 1000, burst: 1000, floodLimit: .seconds(60), now: .now)))
        try await channel.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 5222))
        let before = counter.reads
        // Within the burst: reading goes on.
        try await channel.writeInbound(ByteBuffer(repeating: 0x61, count: 500))
        try await channel.testingEventLoop.executeInContext { channel.read() }
        #expect(counter.reads == before + 1)
        // 1000 bytes over: about a second of pause.
        try await channel.writeInbound(ByteBuffer(repeating: 0x61, count: 1500))
        try await channel.testingEventLoop.executeInContext { channel.read() }
        #expect(counter.reads == before + 1)
        try await channel.testingEventLoop.advanceTime(by: .milliseconds(1100))
        #expect(counter.reads == before + 2)
        // Everything read was passed on.
        var total = 0
        while let buffer = try await channel.readInbound(as: ByteBuffer.self) { total += buffer.readableBytes }
        #expect(total == 2000)
    }

    @Test func aFloodEndsTheStreamWithPolicyViolationAfterOurHeader() async throws {
        let limiter = InboundRateLimitHandler(bucket: InboundTokenBucket(
            bytesPerSecond: 1000, burst: 1000, floodLimit: .zero, now: .now))
        let connection = try await C2STestChannel(inFront: [limiter])
        // No stream header, only a flood: the client still gets ours before the error (RFC 6120 §4.9.1.2).
        try await connection.send(String(repeating: " ", count: 5000))
        let output = try await connection.output { $0.contains("</stream:stream>") }
        #expect(output.hasPrefix("<?xml version='1.0'?><stream:stream "))
        #expect(output.contains("<stream:error><policy-violation xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"))
        #expect(try await connection.isClosed())
    }
}
