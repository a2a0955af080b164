import Synchronization
import XMPPCore

/// A bound session as deliveries reach it: writes go straight to the transport,
/// independently of the session's own task, through the session's client
/// state (XEP-0352, `ClientStateBuffer`).
final class SessionEndpoint: DeliveryTarget {
    let sessionID: String
    let transport: any SessionTransport
    private let current: Mutex<SessionRegistration?>
    private let clientState = Mutex(ClientState())

    struct ClientState {
        var buffer = ClientStateBuffer()
        /// Held presences are being written after `<active/>`; deliveries wait
        /// for that write so a contact's newer presence never precedes its older one.
        var flushing = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

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

    func deliver(wires: [String]) async -> Bool {
        while true {
            let now: [String]? = clientState.withLock { $0.flushing ? nil : $0.buffer.pass(wires) }
            if let now {
                return now.isEmpty ? true : await transport.write(now.joined())
            }
            await withCheckedContinuation { continuation in
                clientState.withLock { state in
                    if state.flushing { state.waiters.append(continuation) } else { continuation.resume() }
                }
            }
        }
    }

    /// XEP-0352: the client said it is in use (`true`) or in the background.
    func clientStateChanged(active: Bool) async {
        let held: [String] = clientState.withLock { state in
            guard active else {
                state.buffer.becameInactive()
                return []
            }
            let held = state.buffer.becameActive()
            state.flushing = !held.isEmpty
            return held
        }
        guard !held.isEmpty else { return }
        _ = await transport.write(held.joined())
        let waiters: [CheckedContinuation<Void, Never>] = clientState.withLock { state in
            state.flushing = false
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func close(with condition: StreamError.Condition) async {
        await transport.write(StreamError(condition).closingText)
        await transport.close()
    }
}
