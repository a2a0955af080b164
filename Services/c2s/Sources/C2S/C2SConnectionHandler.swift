import Gateway
import Logging
import NIOCore
import NIOSSL
import Runtime
import Synchronization
import XMPPCore
import XMPPStream

/// The last handler of a client connection: hands received bytes to the
/// connection's session task (`C2SSessionLoop`) in order, ends the stream on
/// the idle and handshake timeouts (and for flood control), and tells the task
/// when the socket closes.
///
/// A stream the server ends goes through the session task, which writes the
/// error and closes at once. Should the task be stuck (waiting on storage or
/// Redis longer than those may take), the connection is closed anyway
/// `closeTimeout` later: a timeout never waits on the client, who may not be
/// reading, or on the cluster.
final class C2SConnectionHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    struct Settings: Sendable {
        var environment: GatewayEnvironment
        var negotiation: ClientStreamNegotiation.Configuration
        var limits: XMLStreamParser.Limits
        var tlsContext: NIOSSLContext?
        var handshakeTimeout: TimeAmount
        /// How long after the server ended the stream the connection is closed
        /// even if the session task has not done it (c2s sets it 5 s above
        /// `storage.request_timeout_ms`).
        var closeTimeout: TimeAmount = .seconds(10)
        /// Run each session's task on its channel's event loop
        /// (`EventLoopTaskExecutor`); off for test channels whose loop runs
        /// only when the test drives it.
        var sessionsOnEventLoop = true
    }

    let settings: Settings
    /// The connection arrived on the direct-TLS port (XEP-0368).
    let secured: Bool
    let input: AsyncStream<C2SInput>
    let continuation: AsyncStream<C2SInput>.Continuation
    let backpressure = InboundBackpressure()
    let loop: C2SSessionLoop
    /// Set once the server has decided to end the stream; later reasons are ignored.
    private let ending = Atomic<Bool>(false)

    init(settings: Settings, secured: Bool) {
        self.settings = settings
        self.secured = secured
        (input, continuation) = AsyncStream<C2SInput>.makeStream()
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
                self.endStream(channel, .connectionTimeout, text: "no resource bound in time")
            }
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !ending.load(ordering: .relaxed) else { return }
        continuation.yield(.bytes(unwrapInboundIn(data)))
        backpressure.queuedOne(context.channel)
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.finish()
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            endStream(context.channel, .connectionTimeout, text: "idle for too long")
            return
        }
        if let end = event as? C2SEndStream {
            endStream(context.channel, end.condition, text: end.text)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // TLS failures and resets: nothing more can be said on this connection.
        context.close(promise: nil)
    }

    /// Ends the stream from the server side: the session task writes the
    /// error (after our header if none was sent) and closes; bytes that
    /// arrive meanwhile are not read. The connection is closed
    /// `closeTimeout` later whatever the task is doing.
    func endStream(_ channel: any Channel, _ condition: StreamError.Condition, text: String) {
        guard !ending.exchange(true, ordering: .relaxed) else { return }
        continuation.yield(.end(condition, text: text))
        continuation.finish()
        channel.eventLoop.scheduleTask(in: settings.closeTimeout) {
            if channel.isActive { channel.close(promise: nil) }
        }
    }
}
