import Gateway
import NIOCore
import Synchronization
import XMPPCore

/// Feeds a connection's bytes through the XML parser into its `ClientSession`,
/// one event at a time, resetting the parser on stream restarts, until the
/// stream ends (the client's doing, an error, or the server ending it: a
/// `C2SInput.end`); then lets the session leave the cluster.
final class C2SSessionLoop: Sendable {
    private let bound = Atomic<Bool>(false)

    /// Whether the session has bound a resource (read by the handshake timeout).
    var isBound: Bool { bound.load(ordering: .relaxed) }

    func run(
        session: ClientSession, input: AsyncStream<C2SInput>, limits: XMLStreamParser.Limits,
        consumed: @Sendable () -> Void
    ) async {
        let parser = XMLStreamParser(limits: limits)
        reading: for await item in input {
            let buffer: ByteBuffer
            switch item {
            case .end(let condition, let text):
                await session.end(with: condition, text: text)
                break reading
            case .bytes(let bytes):
                buffer = bytes
            }
            defer { consumed() }
            let events: [XMLStreamEvent]
            do {
                events = try parser.feed(Array(buffer.readableBytesView))
            } catch {
                await session.handle(error)
                break reading
            }
            for event in events {
                await session.handle(event, routeLater: true)
                if session.boundJID != nil { bound.store(true, ordering: .relaxed) }
                if session.isClosed { break reading }
                if session.restartRequested {
                    // Whatever followed in this chunk belonged to the old stream.
                    parser.reset()
                    break
                }
            }
            // The chunk's stanzas go to the routers together.
            await session.flushRoutes()
        }
        await session.finish()
    }
}
