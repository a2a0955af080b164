import NIOCore
import XMPPCore

/// What a connection's session task (`C2SSessionLoop`) reads, in order: the
/// bytes the client sent, or the server ending the stream (a timeout, a flood).
/// Ending through the session task, not beside it, means the client gets our
/// stream header first when it never sent one (RFC 6120 §4.9.1.2) and the
/// connection is closed right after the error is queued, whether or not the
/// client reads it.
enum C2SInput: Sendable {
    case bytes(ByteBuffer)
    case end(StreamError.Condition, text: String)
}

/// Fired up the pipeline by a handler in front of `C2SConnectionHandler`
/// (flood control) to end the stream with a stream error.
struct C2SEndStream: Sendable {
    let condition: StreamError.Condition
    let text: String
}
