import Cluster
import Synchronization
import XMPPCore
import XMPPStream

/// A bound session as deliveries reach it. Every write to the client goes
/// through here, one at a time (`SerialGate`), whether it comes from the
/// delivery stream or from the session's own task, so that the session's
/// client state (XEP-0352, `ClientStateBuffer`) and, once enabled, stream
/// management (XEP-0198: every stanza queued in Redis before it is written,
/// docs/stream-management.md) see the stanzas in the order the client does.
final class SessionEndpoint: DeliveryTarget {
    let sessionID: String
    let transport: any SessionTransport
    let resumption: ResumptionStore?
    let node: NodeID?
    private let current: Mutex<SessionRegistration?>
    private let state = Mutex(State())
    private let gate = SerialGate()

    struct State {
        var clientState = ClientStateBuffer()
        /// Set once the client enabled stream management (or resumed).
        var managed: ManagedSession?
        /// The connection is gone; stanzas are only queued for a resumption.
        var detachedAt: ContinuousClock.Instant?
        /// An `<r/>` went out and its `<a/>` has not come back.
        var awaitingAcknowledgement = false
        /// A resumption that registered this endpoint failed: it takes nothing.
        var retired = false
    }

    init(
        sessionID: String, transport: any SessionTransport, registration: SessionRegistration,
        resumption: ResumptionStore? = nil, node: NodeID? = nil
    ) {
        self.sessionID = sessionID
        self.transport = transport
        self.current = Mutex(registration)
        self.resumption = resumption
        self.node = node
    }

    /// What the registry holds for this session; the session task keeps it current.
    var registration: SessionRegistration? {
        get { current.withLock { $0 } }
        set { current.withLock { $0 = newValue } }
    }

    /// The session's stream management, and when its connection went away.
    var management: (session: ManagedSession, detachedAt: ContinuousClock.Instant?)? {
        state.withLock { state in state.managed.map { ($0, state.detachedAt) } }
    }

    // MARK: Deliveries

    func deliver(wires: [String], entryIDs: [String?]) async -> Bool {
        await gate.run {
            let (passing, managed, retired) = state.withLock { ($0.clientState.pass(wires), $0.managed != nil, $0.retired) }
            if retired { return false }
            guard managed else { return passing.isEmpty ? true : await transport.write(passing.joined()) }
            return await send(Self.pair(passing, with: wires, ids: entryIDs))
        }
    }

    /// Stanzas the session itself answers with (IQ results and errors).
    func send(local wires: [String]) async -> Bool {
        await gate.run { await send(wires.map { (nil, $0) }) }
    }

    /// XEP-0352: the client said it is in use (`true`) or in the background.
    func clientStateChanged(active: Bool) async {
        guard active else {
            state.withLock { $0.clientState.becameInactive() }
            return
        }
        await gate.run {
            let held = state.withLock { $0.clientState.becameActive() }
            _ = await send(held.map { (nil, $0) })
        }
    }

    func close(with condition: StreamError.Condition) async {
        await transport.write(StreamError(condition).closingText)
        await transport.close()
    }

    /// Writes stanzas, after queueing them for a resumption when the session is managed.
    private func send(_ items: [(entryID: String?, wire: String)]) async -> Bool {
        guard !items.isEmpty else { return true }
        let (managed, detached) = state.withLock { ($0.managed, $0.detachedAt != nil) }
        guard let managed, let resumption, let node else {
            return await transport.write(items.map(\.wire).joined())
        }
        let outcome: ResumptionStore.AppendOutcome
        do {
            outcome = try await resumption.append(managed, node: node, items: items)
        } catch {
            // Not queued: the delivery goes back to the routers.
            return false
        }
        switch outcome {
        case .appended(let positions):
            guard !detached, !positions.isEmpty else { return true }
            var text = positions.map { items[$0].wire }.joined()
            let requestAcknowledgement = state.withLock { state in
                guard !state.awaitingAcknowledgement else { return false }
                state.awaitingAcknowledgement = true
                return true
            }
            if requestAcknowledgement { text += StreamManagementElements.requestText }
            // Queued: a failed write is for the resumption to repair.
            _ = await transport.write(text)
            return true
        case .moved:
            return true
        case .gone:
            return false
        }
    }

    /// Pairs the stanzas the client state let through with the delivery
    /// entries they came from (`passing` is `wires` less held presences,
    /// possibly after earlier held ones, which have no entry any more).
    static func pair(_ passing: [String], with wires: [String], ids: [String?]) -> [(entryID: String?, wire: String)] {
        var next = 0
        return passing.map { wire in
            var index = next
            while index < wires.count, wires[index] != wire { index += 1 }
            guard index < wires.count else { return (nil, wire) }
            next = index + 1
            return (index < ids.count ? ids[index] : nil, wire)
        }
    }

    // MARK: Stream management

    /// Runs `section` with every write to the client held back (a resumption
    /// takes the session over and writes its backlog first).
    func exclusively<T: Sendable>(_ section: () async -> T) async -> T {
        await gate.run(section)
    }

    /// From now on every stanza is queued before it is written; `announcement`
    /// (`<enabled/>` or `<resumed/>` and the backlog) goes out first. Call
    /// inside `exclusively` when resuming.
    func startManaging(_ managed: ManagedSession, announcement: String, backlog: Bool = false) async {
        state.withLock { state in
            state.managed = managed
            state.detachedAt = nil
            state.awaitingAcknowledgement = backlog
        }
        _ = await transport.write(announcement + (backlog ? StreamManagementElements.requestText : ""))
    }

    /// The resumption this endpoint was registered for failed: deliveries
    /// that reached it meanwhile go back to the routers.
    func retire() {
        state.withLock { $0.retired = true }
    }

    /// The client's `<a/>` arrived.
    func acknowledgementReceived() {
        state.withLock { $0.awaitingAcknowledgement = false }
    }

    /// The connection is gone; the session waits for a resumption.
    func detach() {
        state.withLock { $0.detachedAt = .now }
    }
}

extension DeliveryTarget {
    /// Writes stanzas that did not come from a delivery stream entry.
    func deliver(wires: [String]) async -> Bool {
        await deliver(wires: wires, entryIDs: [])
    }
}
