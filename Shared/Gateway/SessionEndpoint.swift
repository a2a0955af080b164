import XMPPCore

/// A bound session as deliveries reach it: writes go straight to the transport,
/// independently of the session's own task.
final class SessionEndpoint: DeliveryTarget {
    let sessionID: String
    let transport: any SessionTransport

    init(sessionID: String, transport: any SessionTransport) {
        self.sessionID = sessionID
        self.transport = transport
    }

    func deliver(_ stanza: XMLElement) async -> Bool {
        await transport.write(stanza.serialized(in: .clientStream))
    }

    func close(with condition: StreamError.Condition) async {
        await transport.write(StreamError(condition).closingText)
        await transport.close()
    }
}
