import Gateway
import NIOCore
import Synchronization

/// What the channel handler and the session's task share for one XMPP
/// WebSocket: the transport, the ordered inputs for the session, the
/// backpressure on reading, and whether a resource is bound yet.
final class WebSocketConnection: Sendable {
    let transport: WebSocketTransport
    let inputs: AsyncStream<WebSocketInput>
    private let continuation: AsyncStream<WebSocketInput>.Continuation
    private let backpressure = InboundBackpressure()
    private let bound = Atomic<Bool>(false)

    init(channel: any Channel, maxOutboundBytes: Int) {
        transport = WebSocketTransport(channel: channel, maxOutboundBytes: maxOutboundBytes)
        (inputs, continuation) = AsyncStream.makeStream()
    }

    var channel: any Channel { transport.channel }

    /// Queues an input for the session (on the event loop); reading pauses
    /// while the session is 16 messages behind.
    func yield(_ input: WebSocketInput) {
        continuation.yield(input)
        backpressure.queuedOne(channel)
    }

    /// The session took one input (in its task).
    func consumedOne() {
        backpressure.consumedOne(channel)
    }

    func finishInput() {
        continuation.finish()
    }

    var isBound: Bool {
        get { bound.load(ordering: .relaxed) }
        set { bound.store(newValue, ordering: .relaxed) }
    }
}
