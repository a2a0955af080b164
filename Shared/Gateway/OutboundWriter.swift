import NIOCore

/// Writes to a client's channel without waiting for the client to read it
/// (issue #16): a write is handed to the channel's event loop and counts as
/// done once queued there, so one client that does not read never holds up the
/// deliveries of the others (docs/operations.md, "Backpressure").
///
/// What a client has not read yet stays in the channel's buffer, bounded: a
/// write that finds more than `maxBufferedBytes` still waiting there closes the
/// connection instead (there is no point writing a stream error nobody reads)
/// and is refused, so the caller hands its stanzas back — offline storage or
/// a bounce, per RFC 6121 §8.5.3 — and a managed stream (XEP-0198) keeps them
/// for its resumption.
public struct OutboundWriter: Sendable {
    public let channel: any Channel
    public let maxBufferedBytes: Int
    /// Set when this writer closed the connection: a TLS connection stays
    /// active while its `close_notify` waits behind the unread output (until
    /// NIOSSL's shutdown timeout), and the writes refused meanwhile are not
    /// new slow readers.
    private let closing: NIOLoopBoundBox<Bool>

    public init(channel: any Channel, maxBufferedBytes: Int) {
        self.channel = channel
        self.maxBufferedBytes = maxBufferedBytes
        self.closing = NIOLoopBoundBox.makeBoxSendingValue(false, eventLoop: channel.eventLoop)
    }

    /// Runs `write` on the event loop if the connection is open and its
    /// unread output is within the bound; returns whether it ran. Writes from
    /// one caller run in the order they were asked for.
    public func write(_ write: @escaping @Sendable (any Channel) -> Void) async -> Bool {
        // Already on the channel's loop (a session task, or the delivery
        // consumer on the loop it shares): write now instead of queueing a
        // task. This caller's earlier writes are done (it awaited them); a
        // write another caller has queued and is still waiting for is not
        // ordered with this one either way.
        if channel.eventLoop.inEventLoop { return attempt(write) }
        return (try? await submit(write).get()) ?? false
    }

    /// As `write`, returning the event loop's answer: for callers that must
    /// queue the write in order under a lock of their own.
    public func submit(_ write: @escaping @Sendable (any Channel) -> Void) -> EventLoopFuture<Bool> {
        channel.eventLoop.submit { attempt(write) }
    }

    /// Runs `write` unless the connection is closed or closing, or its unread
    /// output is over the bound (then it closes it). On the event loop.
    private func attempt(_ write: (any Channel) -> Void) -> Bool {
        guard channel.isActive, !closing.value else { return false }
        if let buffered = try? channel.syncOptions?.getOption(.bufferedWritableBytes), buffered > maxBufferedBytes {
            closing.value = true
            GatewayMetrics.slowReadersClosed.increment()
            channel.close(promise: nil)
            return false
        }
        write(channel)
        return true
    }
}
