import Gateway
import NIOCore
import NIOWebSocket
import Synchronization
import XMPPCore

/// A `ClientSession`'s connection when it is an XMPP WebSocket: what the
/// session (or a delivery) writes is turned into text messages
/// (`WebSocketStreamOutput`) and written in one flush. The translation and
/// the writes it issues happen under one lock, so messages from the session's
/// task and from deliveries never interleave. There is no STARTTLS inside a
/// WebSocket (RFC 7395 §3.9: TLS is the WebSocket's, `wss://` at nginx).
final class WebSocketTransport: SessionTransport {
    let channel: any Channel
    private let output = Mutex(WebSocketStreamOutput())
    /// Writes return once queued on the event loop; a client that leaves too
    /// much unread is disconnected (`OutboundWriter`).
    private let outbound: OutboundWriter

    init(channel: any Channel, maxOutboundBytes: Int) {
        self.channel = channel
        self.outbound = OutboundWriter(channel: channel, maxBufferedBytes: maxOutboundBytes)
    }

    func write(_ text: String) async -> Bool {
        await send { $0.read(text) }
    }

    func writeThenStartTLS(_ text: String) async -> Bool {
        false
    }

    /// The stream is over (`<close/>` is out): start the WebSocket closing
    /// handshake on the channel's event loop.
    func close() async {
        channel.pipeline.fireUserInboundEventTriggered(WebSocketSessionEvent.streamClosed)
    }

    /// Ends the stream from outside the session's task (timeouts, shutdown).
    func end(_ condition: StreamError.Condition, text: String?) async {
        _ = await send { $0.end(condition, text: text) }
        await close()
    }

    /// Translates under the lock and queues the frames on the event loop in
    /// the same order, so messages from the session's task and from deliveries
    /// never interleave.
    private func send(_ translate: (WebSocketStreamOutput) -> WebSocketStreamOutput.Messages) async -> Bool {
        let outbound = self.outbound
        let queued: EventLoopFuture<Bool>? = output.withLock { output in
            let messages = translate(output)
            guard !messages.refused else { return nil }
            let texts = messages.texts
            return outbound.submit { channel in
                for text in texts {
                    channel.write(WebSocketFrame(fin: true, opcode: .text, data: channel.allocator.buffer(string: text)), promise: nil)
                }
                channel.flush()
                WebSocketMetrics.messagesOut.increment(by: texts.count)
            }
        }
        guard let queued else { return false }
        return (try? await queued.get()) ?? false
    }
}

/// Events the session side sends up the pipeline to `XMPPWebSocketHandler`.
enum WebSocketSessionEvent: Sendable {
    /// The `ClientSession` closed its stream.
    case streamClosed
}
