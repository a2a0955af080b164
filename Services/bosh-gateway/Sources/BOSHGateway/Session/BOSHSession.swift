import NIOCore
import Synchronization
import XMPPCore

/// One live BOSH session: its request state machine, the HTTP requests it
/// holds, and the reader of its XMPP session's output.
///
/// Every event — an HTTP request, output of the `ClientSession`, a delivery, a
/// timer tick, shutdown — runs the machine under one lock; what the machine
/// decides is carried out after: held requests are answered (their promises
/// complete on their channels' event loops) and client payloads go, in order,
/// to the task that drives the `ClientSession` (`inputs`).
final class BOSHSession: Sendable {
    typealias Machine = BOSHSessionStateMachine<UInt64>

    let info: BOSHSessionInfo
    /// Read by the session's driving task only.
    let inputs: AsyncStream<BOSHSessionInput>
    private let continuation: AsyncStream<BOSHSessionInput>.Continuation
    private let core: Mutex<Core>

    struct Core {
        var machine: Machine
        var responders: [UInt64: EventLoopPromise<HTTPResponse>] = [:]
        var nextRequest: UInt64 = 1
        var output = ClientStreamOutput()
        var endedAt: ContinuousClock.Instant?
        /// What waits for the client's next request, in bytes (about).
        var heldBytes = 0
    }

    /// The most output that may wait for a client that does not come back for
    /// it (`max_outbound_bytes`, issue #16).
    let maxHeldBytes: Int

    /// Holds the creation request until the stream features are ready.
    init(
        info: BOSHSessionInfo, creation promise: EventLoopPromise<HTTPResponse>, now: ContinuousClock.Instant,
        maxHeldBytes: Int = 1 << 20
    ) {
        self.info = info
        self.maxHeldBytes = maxHeldBytes
        (inputs, continuation) = AsyncStream.makeStream()
        var core = Core(machine: Machine(parameters: info.parameters, creationRID: info.creationRID, creationRequest: 0, now: now))
        core.responders[0] = promise
        self.core = Mutex(core)
        continuation.yield(.open)
    }

    // MARK: Events

    /// An HTTP request for this session.
    func received(_ body: BOSHRequestBody, rid: UInt64, promise: EventLoopPromise<HTTPResponse>, now: ContinuousClock.Instant) {
        let request = Machine.Request(
            rid: rid, payloads: body.payloads, terminate: body.isTerminate, restart: body.isRestart, pause: body.pause,
            ack: body.ack.flatMap { UInt64($0) })
        run { core in
            let id = core.nextRequest
            core.nextRequest += 1
            core.responders[id] = promise
            return core.machine.received(request, id: id, now: now)
        }
    }

    /// Text the `ClientSession` (or a delivery) writes; `false` once the session is over.
    func write(_ text: String, now: ContinuousClock.Instant = .now) -> Bool {
        var accepted = true
        run { core in
            guard !core.machine.isEnded else {
                accepted = false
                return []
            }
            let chunk = core.output.read(text)
            if !chunk.elements.isEmpty, core.heldBytes + text.utf8.count > maxHeldBytes {
                // The client does not come for its output (issue #16): the
                // session ends and what it would have held goes back to the routers.
                accepted = false
                return core.machine.terminate(.policyViolation, now: now)
            }
            var actions = chunk.elements.isEmpty ? [] : core.machine.send(chunk.elements, now: now)
            core.heldBytes = core.machine.hasOutbox ? core.heldBytes + text.utf8.count : 0
            switch chunk.end {
            case nil: break
            case .closed: actions += core.machine.terminate(nil, now: now)
            case .error(let error): actions += core.machine.terminate(.remoteStreamError, payloads: [error], now: now)
            case .broken: actions += core.machine.terminate(.internalServerError, now: now)
            }
            return actions
        }
        return accepted
    }

    /// The server ends the session (shutdown, a request it cannot accept).
    func terminate(_ condition: BOSHTerminalCondition?, now: ContinuousClock.Instant = .now) {
        run { core in core.machine.terminate(condition, now: now) }
    }

    /// Ends the session on a request that could not be read (bad XML, too big),
    /// answering it with the condition.
    func fail(_ condition: BOSHTerminalCondition, answering promise: EventLoopPromise<HTTPResponse>, now: ContinuousClock.Instant = .now) {
        run { core in core.machine.terminate(condition, now: now) }
        promise.succeed(render(.init(rid: 0, terminate: condition), processedRID: 0))
    }

    /// Answers held requests whose `wait` ran out; ends an idle session.
    func tick(now: ContinuousClock.Instant) {
        run { core in
            guard let deadline = core.machine.nextDeadline, deadline <= now else { return [] }
            return core.machine.tick(now: now)
        }
    }

    var isEnded: Bool { core.withLock { $0.machine.isEnded } }

    /// When the session ended, if it did.
    var endedAt: ContinuousClock.Instant? { core.withLock { $0.endedAt } }

    // MARK: Carrying out

    /// Runs `event` on the machine under the lock, passes payloads on in order,
    /// then answers HTTP requests outside the lock.
    private func run(_ event: (inout Core) -> [Machine.Action]) {
        let answers: [(EventLoopPromise<HTTPResponse>, HTTPResponse)] = core.withLock { core in
            let actions = event(&core)
            var answers: [(EventLoopPromise<HTTPResponse>, HTTPResponse)] = []
            for action in actions {
                switch action {
                case .respond(let id, let response):
                    guard let promise = core.responders.removeValue(forKey: id) else { continue }
                    answers.append((promise, render(response, processedRID: core.machine.processedRID)))
                case .process(let payloads):
                    continuation.yield(.stanzas(payloads))
                case .restartStream:
                    continuation.yield(.open)
                case .ended:
                    core.endedAt = .now
                    continuation.finish()
                }
            }
            return answers
        }
        for (promise, response) in answers { promise.succeed(response) }
    }
}
