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

    init(channel: any Channel) {
        self.channel = channel
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

    private func send(_ translate: (WebSocketStreamOutput) -> WebSocketStreamOutput.Messages) async -> Bool {
        let channel = self.channel
        let written: EventLoopFuture<Void>? = output.withLock { output in
            let messages = translate(output)
            guard !messages.refused else { return nil }
            var last: EventLoopFuture<Void>?
            for text in messages.texts {
                last = channel.write(WebSocketFrame(fin: true, opcode: .text, data: channel.allocator.buffer(string: text)))
            }
            channel.flush()
            WebSocketMetrics.messagesOut.increment(by: messages.texts.count)
            return last ?? channel.eventLoop.makeSucceededVoidFuture()
        }
        guard let written else { return false }
        do {
            try await written.get()
            return true
        } catch {
            return false
        }
    }
}

/// Events the session side sends up the pipeline to `XMPPWebSocketHandler`.
enum WebSocketSessionEvent: Sendable {
    /// The `ClientSession` closed its stream.
    case streamClosed
}
