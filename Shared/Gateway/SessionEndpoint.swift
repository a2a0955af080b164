import Synchronization
import XMPPCore

/// A bound session as deliveries reach it: writes go straight to the transport,
/// independently of the session's own task.
final class SessionEndpoint: DeliveryTarget {
    let sessionID: String
    let transport: any SessionTransport
    private let current: Mutex<SessionRegistration?>

    init(sessionID: String, transport: any SessionTransport, registration: SessionRegistration) {
        self.sessionID = sessionID
        self.transport = transport
        self.current = Mutex(registration)
    }

    /// What the registry holds for this session; the session task keeps it current.
    var registration: SessionRegistration? {
        get { current.withLock { $0 } }
        set { current.withLock { $0 = newValue } }
    }

    func deliver(wire: String) async -> Bool {
        await transport.write(wire)
    }

    func close(with condition: StreamError.Condition) async {
        await transport.write(StreamError(condition).closingText)
        await transport.close()
    }
}
