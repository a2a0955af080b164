import Gateway
import Logging
import NIOCore
import NIOSSL
import Runtime
import XMPPCore
import XMPPStream

/// The last handler of a client connection: hands received bytes to the
/// connection's session task (`C2SSessionLoop`) in order, ends the stream on
/// the idle and handshake timeouts, and tells the task when the socket closes.
final class C2SConnectionHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    struct Settings: Sendable {
        var environment: GatewayEnvironment
        var negotiation: ClientStreamNegotiation.Configuration
        var limits: XMLStreamParser.Limits
        var tlsContext: NIOSSLContext?
        var handshakeTimeout: TimeAmount
        /// Run each session's task on its channel's event loop
        /// (`EventLoopTaskExecutor`); off for test channels whose loop runs
        /// only when the test drives it.
        var sessionsOnEventLoop = true
    }

    let settings: Settings
    /// The connection arrived on the direct-TLS port (XEP-0368).
    let secured: Bool
    let input: AsyncStream<ByteBuffer>
    let continuation: AsyncStream<ByteBuffer>.Continuation
    let backpressure = InboundBackpressure()
    let loop: C2SSessionLoop

    init(settings: Settings, secured: Bool) {
        self.settings = settings
        self.secured = secured
        (input, continuation) = AsyncStream<ByteBuffer>.makeStream()
        loop = C2SSessionLoop()
    }

    func channelActive(context: ChannelHandlerContext) {
        let channel = context.channel
        let transport = ChannelTransport(
            channel: channel, tlsContext: secured ? nil : settings.tlsContext,
            maxOutboundBytes: settings.environment.maxOutboundBytes)
        let session = ClientSession(
            environment: settings.environment, transport: transport, configuration: settings.negotiation, secured: secured)
        let loop = self.loop
        let input = self.input
        let backpressure = self.backpressure
        let limits = settings.limits
        let executor: (any TaskExecutor)? = settings.sessionsOnEventLoop ? EventLoopTaskExecutor(context.eventLoop) : nil
        Task(executorPreference: executor) {
            await loop.run(session: session, input: input, limits: limits) { backpressure.consumedOne(channel) }
        }
        // RFC 6120 §4.9.3.4-style guard: a client that has not bound a resource in time is dropped.
        context.eventLoop.scheduleTask(in: settings.handshakeTimeout) {
            if !loop.isBound {
                Self.endStream(channel, .connectionTimeout, text: "no resource bound in time")
            }
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        continuation.yield(unwrapInboundIn(data))
        backpressure.queuedOne(context.channel)
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.finish()
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            Self.endStream(context.channel, .connectionTimeout, text: "idle for too long")
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // TLS failures and resets: nothing more can be said on this connection.
        context.close(promise: nil)
    }

    /// Writes a stream error and closes, outside the session task (timeouts).
    static func endStream(_ channel: any Channel, _ condition: StreamError.Condition, text: String) {
        let bytes = channel.allocator.buffer(string: StreamError(condition, text: text).closingText)
        channel.writeAndFlush(bytes).whenComplete { _ in channel.close(promise: nil) }
    }
}
