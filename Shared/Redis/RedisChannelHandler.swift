import NIOCore

/// One batch of commands written together, with a promise per command.
struct RedisOutboundBatch {
    var bytes: ByteBuffer
    var promises: [EventLoopPromise<RESPValue>]
}

/// Matches replies to commands in order (Redis answers in order on one
/// connection) and hands pub/sub messages to a push handler.
///
/// Pipelining: any number of batches may be in flight. A timed-out command closes
/// the channel, because its late reply would be matched to the next command.
final class RedisChannelHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = RedisOutboundBatch
    typealias OutboundOut = ByteBuffer

    private var decoder = RESPDecoder()
    private var pending = CircularBuffer<EventLoopPromise<RESPValue>>(initialCapacity: 64)
    private let onPush: (@Sendable (RESPValue) -> Void)?
    private var closed = false

    /// - Parameter onPush: receives `message`/`pmessage` pushes on a subscribed
    ///   connection.
    init(onPush: (@Sendable (RESPValue) -> Void)? = nil) {
        self.onPush = onPush
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let batch = unwrapOutboundIn(data)
        guard !closed else {
            for commandPromise in batch.promises { commandPromise.fail(RedisError.connectionClosed) }
            promise?.fail(RedisError.connectionClosed)
            return
        }
        pending.append(contentsOf: batch.promises)
        context.write(wrapOutboundOut(batch.bytes), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        let replies: [RESPValue]
        do {
            replies = try decoder.decode(buffer)
        } catch {
            failAll(error)
            context.close(promise: nil)
            return
        }
        for reply in replies {
            if let onPush, Self.isPush(reply) {
                onPush(reply)
                continue
            }
            guard let promise = pending.popFirst() else {
                // A reply nobody asked for: the stream is out of step; start over.
                failAll(RedisError.protocolError("unsolicited reply"))
                context.close(promise: nil)
                return
            }
            promise.succeed(reply)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        failAll(RedisError.connectionClosed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failAll(RedisError.connectionClosed)
        context.close(promise: nil)
    }

    private func failAll(_ error: any Error) {
        while let promise = pending.popFirst() { promise.fail(error) }
    }

    private static func isPush(_ reply: RESPValue) -> Bool {
        guard let values = reply.array, let kind = values.first?.string else { return false }
        return (kind == "message" && values.count == 3) || (kind == "pmessage" && values.count == 4)
    }
}
