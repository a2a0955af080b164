import Gateway
import NIOCore
import NIOSSL

/// A client session's TCP connection, as `SessionTransport`: every operation
/// runs on the channel's event loop.
struct ChannelTransport: SessionTransport {
    let channel: any Channel
    /// For STARTTLS; `nil` when no certificate is configured (or TLS is already on).
    let tlsContext: NIOSSLContext?
    /// Writes return once queued on the event loop; a client that leaves too
    /// much unread is disconnected (`OutboundWriter`).
    let outbound: OutboundWriter

    init(channel: any Channel, tlsContext: NIOSSLContext?, maxOutboundBytes: Int) {
        self.channel = channel
        self.tlsContext = tlsContext
        self.outbound = OutboundWriter(channel: channel, maxBufferedBytes: maxOutboundBytes)
    }

    func write(_ text: String) async -> Bool {
        await outbound.write { channel in
            channel.writeAndFlush(channel.allocator.buffer(string: text), promise: nil)
        }
    }

    /// Writes and flushes `<proceed/>`, then inserts the TLS handler in the same
    /// event-loop turn: the bytes are already below the TLS handler (it would
    /// hold a flush back until its handshake is done), and the client's
    /// ClientHello, read in a later turn, can only reach the TLS handler.
    func writeThenStartTLS(_ text: String) async -> Bool {
        guard let tlsContext else { return false }
        let channel = self.channel
        do {
            try await channel.eventLoop.flatSubmit { () -> EventLoopFuture<Void> in
                let written = channel.writeAndFlush(channel.allocator.buffer(string: text))
                do {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tlsContext), position: .first)
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
                return written
            }.get()
            return true
        } catch {
            return false
        }
    }

    func close() async {
        try? await channel.close()
    }
}
