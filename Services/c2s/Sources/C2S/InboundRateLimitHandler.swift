import NIOCore

/// Applies `InboundTokenBucket` to a connection's decrypted bytes: while the
/// bucket says pause, the channel's `read()` requests are held back, so nothing
/// more is read from the socket and the client's TCP window fills. A flood ends
/// the stream with `<policy-violation/>`.
final class InboundRateLimitHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var bucket: InboundTokenBucket
    /// Set while reading is paused; each pause has its own number, so only the
    /// latest pause's timer resumes.
    private var pause: Int?
    private var pauses = 0
    private var readPending = false
    private var ended = false

    init(bucket: InboundTokenBucket) {
        self.bucket = bucket
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !ended else { return }
        let bytes = unwrapInboundIn(data).readableBytes
        switch bucket.received(bytes, now: .now) {
        case .accept:
            break
        case .pause(let duration):
            let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
            pauses += 1
            let number = pauses
            pause = number
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            context.eventLoop.scheduleTask(in: .milliseconds(milliseconds)) {
                let (handler, context) = loopBound.value
                handler.resume(context: context, pause: number)
            }
        case .disconnect:
            ended = true
            context.fireUserInboundEventTriggered(C2SEndStream(condition: .policyViolation, text: "too much data too fast"))
            return
        }
        context.fireChannelRead(data)
    }

    func read(context: ChannelHandlerContext) {
        if pause != nil {
            readPending = true
            return
        }
        context.read()
    }

    private func resume(context: ChannelHandlerContext, pause number: Int) {
        guard pause == number else { return }
        pause = nil
        if readPending {
            readPending = false
            context.read()
        }
    }
}
