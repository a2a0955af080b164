import NIOCore

/// Collects the replies of one batch of commands written together and
/// completes its promise when the last one arrives (error replies are values).
/// Made by the sender, then touched only on the connection's event loop.
final class RedisReplyBatch: @unchecked Sendable {
    let promise: EventLoopPromise<[RESPValue]>
    let expected: Int
    /// The batch fails with `RedisError.timeout` if its replies are not all in by then.
    let deadline: NIODeadline
    private var replies: [RESPValue] = []
    private var done = false

    init(promise: EventLoopPromise<[RESPValue]>, expected: Int, deadline: NIODeadline) {
        self.promise = promise
        self.expected = expected
        self.deadline = deadline
        replies.reserveCapacity(expected)
    }

    /// Returns `true` when this reply was the batch's last.
    func received(_ reply: RESPValue) -> Bool {
        replies.append(reply)
        guard replies.count == expected else { return false }
        done = true
        promise.succeed(replies)
        return true
    }

    func fail(_ error: any Error) {
        guard !done else { return }
        done = true
        promise.fail(error)
    }
}

/// One batch of commands written together.
struct RedisOutboundBatch: Sendable {
    var bytes: ByteBuffer
    var replies: RedisReplyBatch
}

/// Matches replies to commands in order (Redis answers in order on one
/// connection) and hands pub/sub messages to a push handler.
///
/// Pipelining: any number of batches may be in flight. A watchdog checks the
/// oldest batch every `watchInterval`: once it is past its deadline every
/// waiting batch fails with `RedisError.timeout` and the channel closes,
/// because a late reply would be matched to the next command.
final class RedisChannelHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = RedisOutboundBatch
    typealias OutboundOut = ByteBuffer

    static let watchInterval = TimeAmount.milliseconds(100)

    private var decoder = RESPDecoder()
    private var pending = CircularBuffer<RedisReplyBatch>(initialCapacity: 64)
    private let onPush: (@Sendable (RESPValue) -> Void)?
    private var closed = false
    private var watchdog: RepeatedTask?

    /// - Parameter onPush: receives `message`/`pmessage` pushes on a subscribed
    ///   connection.
    init(onPush: (@Sendable (RESPValue) -> Void)? = nil) {
        self.onPush = onPush
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        watchdog = context.eventLoop.scheduleRepeatedTask(initialDelay: Self.watchInterval, delay: Self.watchInterval) { _ in
            let (handler, context) = loopBound.value
            handler.checkDeadlines(context: context)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        watchdog?.cancel()
        watchdog = nil
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let batch = unwrapOutboundIn(data)
        guard !closed else {
            batch.replies.fail(RedisError.connectionClosed)
            promise?.fail(RedisError.connectionClosed)
            return
        }
        pending.append(batch.replies)
        context.write(wrapOutboundOut(batch.bytes), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        var readOnly = false
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
            guard let batch = pending.first else {
                // A reply nobody asked for: the stream is out of step; start over.
                failAll(RedisError.protocolError("unsolicited reply"))
                context.close(promise: nil)
                return
            }
            if batch.received(reply) { pending.removeFirst() }
            if Self.isReadOnlyError(reply) { readOnly = true }
        }
        // The server was demoted to a replica (a Sentinel failover): drop the
        // connection, so the client's reconnect loop asks the sentinels for the
        // new master. The caller got the READONLY error itself.
        if readOnly {
            failAll(RedisError.connectionClosed)
            context.close(promise: nil)
        }
    }

    /// `READONLY You can't write against a read only replica.`
    static func isReadOnlyError(_ reply: RESPValue) -> Bool {
        guard case .error(let message) = reply else { return false }
        return message.hasPrefix("READONLY ")
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        watchdog?.cancel()
        watchdog = nil
        failAll(RedisError.connectionClosed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failAll(RedisError.connectionClosed)
        context.close(promise: nil)
    }

    private func checkDeadlines(context: ChannelHandlerContext) {
        guard let oldest = pending.first, oldest.deadline < .now() else { return }
        failAll(RedisError.timeout)
        context.close(promise: nil)
    }

    private func failAll(_ error: any Error) {
        while let batch = pending.popFirst() { batch.fail(error) }
    }

    private static func isPush(_ reply: RESPValue) -> Bool {
        guard let values = reply.array, let kind = values.first?.string else { return false }
        return (kind == "message" && values.count == 3) || (kind == "pmessage" && values.count == 4)
    }
}
