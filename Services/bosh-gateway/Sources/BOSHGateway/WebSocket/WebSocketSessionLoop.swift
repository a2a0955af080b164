import Gateway
import XMPPCore

/// The task behind one XMPP WebSocket: hands the connection's inputs to its
/// `ClientSession` strictly in order — `<open/>` as the stream header (again
/// after SASL, RFC 7395 §3.7), stanzas, `<close/>` as the stream's end, bad
/// input as a stream error — until the stream or the connection ends, then
/// lets the XMPP session leave the cluster (`finish()`: registry cleanup,
/// unavailable presence to contacts).
enum WebSocketSessionLoop {
    static func run(_ connection: WebSocketConnection, client: ClientSession) async {
        for await input in connection.inputs {
            defer { connection.consumedOne() }
            switch input {
            case .open(let header):
                await client.handle(.streamOpen(header))
            case .stanza(let element):
                await client.handle(.stanza(element))
            case .close:
                await client.handle(.streamClose)
            case .streamError(let condition, let text):
                await client.end(with: condition, text: text)
            }
            if client.boundJID != nil { connection.isBound = true }
            if client.isClosed { break }
        }
        await client.finish()
    }
}
