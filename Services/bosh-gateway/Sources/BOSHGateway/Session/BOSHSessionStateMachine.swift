import XMPPCore

/// One BOSH session's request handling (XEP-0124 §7–§14) as a pure state machine.
///
/// HTTP requests (identified by the caller's `RequestID`) and stanzas for the
/// client go in; `Action`s come out: answer this HTTP request with these
/// payloads, hand these client payloads to the XMPP session, restart the
/// stream, the session ended. Time arrives as an instant; the caller calls
/// `tick(now:)` at `nextDeadline` or sooner. No I/O, no timers, no logging.
///
/// Rules it enforces:
/// - payloads are processed strictly in `rid` order; early requests wait for the
///   gap to fill (§14.1);
/// - a `rid` beyond the window of `requests` ends the session `item-not-found`
///   (§14.2); a repeated `rid` gets its cached response again (§14.3);
/// - at most `hold` requests wait for data: a new one releases the oldest (§7.1);
///   more than `requests` open at once (one more for a pause or terminate), or
///   polls faster than `polling` when `hold` is 0, end the session
///   `policy-violation` (§11, §12); other requests open at that moment get
///   `other-request` (§17.2);
/// - with acknowledgements (§9), a client `ack` below the last answered `rid`
///   gets the next response at once with `report` and `time` (§9.2);
/// - a pause request is answered without payloads (§10);
/// - a session the server ends while no request is open answers the next
///   request with its terminal condition rather than `item-not-found`;
/// - a held request is answered empty after `wait` (§7.1); the session ends after
///   `inactivity` seconds (or the granted `pause`) with no request open (§7.1, §10).
public struct BOSHSessionStateMachine<RequestID: Hashable & Sendable>: Sendable {
    public typealias Instant = ContinuousClock.Instant

    public enum Action: Sendable, Hashable {
        /// Answer this HTTP request.
        case respond(RequestID, Response)
        /// Hand the client's payloads to the XMPP session, in order.
        case process([XMLElement])
        /// The client asked for a stream restart (XEP-0206 §5).
        case restartStream
        /// The session is over (client terminate, inactivity, violation); release it
        /// and send unavailable presence for its user.
        case ended(BOSHTerminalCondition?)
    }

    private struct Held: Sendable {
        var rid: UInt64
        var id: RequestID
        var since: Instant
    }

    public let parameters: BOSHSessionParameters
    /// The highest `rid` whose payloads were processed.
    private(set) public var processedRID: UInt64
    private var early: [UInt64: (RequestID, Request)] = [:]
    private var held: [Held] = []
    private var outbox: [XMLElement] = []
    private var responses: [UInt64: Response] = [:]
    private var sentAt: [UInt64: Instant] = [:]
    private var highestAnsweredRID: UInt64 = 0
    /// §9.2: set by a lagging client `ack`, sent on the next response.
    private var pendingReport: (rid: UInt64, time: Int)?
    /// The terminal answer of a session the server ended while no request was open.
    private var unsentTermination: Response?
    private var idleSince: Instant?
    private var idleLimit: Duration
    private var lastRequestAt: Instant
    private(set) public var isEnded = false
    /// Payloads wait for the client's next request.
    public var hasOutbox: Bool { !outbox.isEmpty }

    /// Starts a session whose creation request (`rid`, HTTP request `id`) is held
    /// until the first payloads (the stream features) are ready.
    public init(parameters: BOSHSessionParameters, creationRID rid: UInt64, creationRequest id: RequestID, now: Instant) {
        self.parameters = parameters
        self.processedRID = rid
        self.held = [Held(rid: rid, id: id, since: now)]
        self.idleLimit = .seconds(parameters.inactivity)
        self.lastRequestAt = now
    }

    // MARK: Events

    /// An HTTP request for this session arrived.
    public mutating func received(_ request: Request, id: RequestID, now: Instant) -> [Action] {
        if isEnded {
            if var termination = unsentTermination {
                unsentTermination = nil
                termination.rid = request.rid
                return [.respond(id, termination)]
            }
            return [.respond(id, Response(rid: request.rid, terminate: .itemNotFound))]
        }
        // §14.3: a request already answered gets the same answer again.
        if request.rid <= processedRID {
            if let cached = responses[request.rid] { return [.respond(id, cached)] }
            if let index = held.firstIndex(where: { $0.rid == request.rid }) {
                // Re-sent while we still hold it: the newer connection takes its place.
                let old = held[index].id
                held[index].id = id
                return [.respond(old, Response(rid: request.rid))]
            }
            return terminate(.itemNotFound, answering: id, rid: request.rid)
        }
        if let (old, _) = early[request.rid] {
            // Re-sent before the gap below it filled: keep the newer connection.
            early[request.rid] = (id, request)
            return [.respond(old, Response(rid: request.rid))]
        }
        // §14.2: beyond the window.
        if request.rid > processedRID + UInt64(parameters.requests) {
            return terminate(.itemNotFound, answering: id, rid: request.rid)
        }
        // §11: more requests open than allowed (one more to pause or terminate).
        let allowance = request.terminate || request.pause != nil ? 1 : 0
        if held.count + early.count + 1 > parameters.requests + allowance {
            return terminate(.policyViolation, answering: id, rid: request.rid)
        }
        // §12: polling sessions may not poll faster than `polling`.
        if parameters.hold == 0, request.payloads.isEmpty, !request.terminate, request.pause == nil,
            now - lastRequestAt < .seconds(parameters.polling)
        {
            return terminate(.policyViolation, answering: id, rid: request.rid)
        }
        lastRequestAt = now
        idleSince = nil
        noteAcknowledgement(request.ack, now: now)
        early[request.rid] = (id, request)
        var actions = processInOrder(now: now)
        if pendingReport != nil, !held.isEmpty, !isEnded { actions.append(respondOldest(now: now)) }
        return actions
    }

    /// Stanzas (or stream-level elements) for the client.
    public mutating func send(_ elements: [XMLElement], now: Instant) -> [Action] {
        guard !isEnded else { return [] }
        outbox.append(contentsOf: elements)
        guard !held.isEmpty else { return [] }
        return [respondOldest(now: now)]
    }

    /// The server ends the session (shutdown, stream error, replaced).
    /// `payloads` go out with the terminal response (a `<stream:error/>`).
    public mutating func terminate(_ condition: BOSHTerminalCondition?, payloads: [XMLElement] = [], now: Instant) -> [Action] {
        guard !isEnded else { return [] }
        outbox += payloads
        var actions: [Action] = []
        for request in held {
            let response = Response(rid: request.rid, payloads: outbox, terminate: condition, terminatedNormally: condition == nil)
            outbox = []
            responses[request.rid] = response
            actions.append(.respond(request.id, response))
        }
        for (id, request) in early.values.sorted(by: { $0.1.rid < $1.1.rid }) {
            actions.append(.respond(id, Response(rid: request.rid, terminate: condition, terminatedNormally: condition == nil)))
        }
        if held.isEmpty {
            unsentTermination = Response(rid: 0, payloads: outbox, terminate: condition, terminatedNormally: condition == nil)
            outbox = []
        }
        held = []
        early = [:]
        isEnded = true
        actions.append(.ended(condition))
        return actions
    }

    /// Time passed: answer held requests whose `wait` ran out; end an idle session.
    public mutating func tick(now: Instant) -> [Action] {
        guard !isEnded else { return [] }
        var actions: [Action] = []
        while let oldest = held.first, now - oldest.since >= .seconds(parameters.wait) {
            actions.append(respondOldest(now: now))
        }
        if held.isEmpty, early.isEmpty, let idleSince, now - idleSince >= idleLimit {
            isEnded = true
            actions.append(.ended(nil))
        }
        return actions
    }

    /// The next instant `tick(now:)` has work to do, if any.
    public var nextDeadline: Instant? {
        if isEnded { return nil }
        if let oldest = held.first { return oldest.since + .seconds(parameters.wait) }
        if early.isEmpty, let idleSince { return idleSince + idleLimit }
        return nil
    }

    // MARK: Internals

    private mutating func processInOrder(now: Instant) -> [Action] {
        var actions: [Action] = []
        while let (id, request) = early.removeValue(forKey: processedRID + 1) {
            processedRID = request.rid
            if !request.payloads.isEmpty { actions.append(.process(request.payloads)) }
            if request.restart { actions.append(.restartStream) }
            if request.terminate {
                // §13: the client's last payloads are processed, then the session ends.
                actions += release(all: now)
                let response = Response(rid: request.rid, payloads: outbox, terminatedNormally: true)
                outbox = []
                responses[request.rid] = response
                isEnded = true
                actions.append(.respond(id, response))
                actions.append(.ended(nil))
                return actions
            }
            if let pause = request.pause {
                // §10: answer everything now, the pause request without payloads;
                // the session may then stay idle for `pause`.
                idleLimit = .seconds(min(max(pause, 0), parameters.maxPause))
                actions += release(all: now)
                let response = Response(rid: request.rid)
                cache(response, now: now)
                idleSince = now
                actions.append(.respond(id, response))
                continue
            }
            idleLimit = .seconds(parameters.inactivity)
            held.append(Held(rid: request.rid, id: id, since: now))
            // §7.1: never more than `hold` waiting; data goes out on the oldest.
            while held.count > parameters.hold || (!outbox.isEmpty && !held.isEmpty) {
                actions.append(respondOldest(now: now))
            }
        }
        return actions
    }

    private mutating func release(all now: Instant) -> [Action] {
        var actions: [Action] = []
        while !held.isEmpty { actions.append(respondOldest(now: now)) }
        return actions
    }

    private mutating func respondOldest(now: Instant) -> Action {
        let request = held.removeFirst()
        var response = Response(rid: request.rid, payloads: outbox)
        if let report = pendingReport {
            response.report = report.rid
            response.reportTime = report.time
            pendingReport = nil
        }
        outbox = []
        cache(response, now: now)
        if held.isEmpty { idleSince = now }
        return .respond(request.id, response)
    }

    private mutating func cache(_ response: Response, now: Instant) {
        responses[response.rid] = response
        sentAt[response.rid] = now
        highestAnsweredRID = max(highestAnsweredRID, response.rid)
        // Keep the window's worth of answers for retransmission (§14.3).
        let oldest = response.rid >= UInt64(parameters.requests) ? response.rid - UInt64(parameters.requests) : 0
        responses = responses.filter { $0.key > oldest }
        sentAt = sentAt.filter { $0.key > oldest }
    }

    /// §9.2: a client `ack` below the last answered `rid` means a response went missing.
    private mutating func noteAcknowledgement(_ ack: UInt64?, now: Instant) {
        guard parameters.acknowledgements, let ack, ack < highestAnsweredRID, let sent = sentAt[ack + 1] else { return }
        let elapsed = now - sent
        pendingReport = (ack + 1, Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000))
    }

    /// Ends the session on a violation by request `id`; other open requests are
    /// told `other-request` (§17.2).
    private mutating func terminate(_ condition: BOSHTerminalCondition, answering id: RequestID, rid: UInt64) -> [Action] {
        var actions: [Action] = [.respond(id, Response(rid: rid, terminate: condition))]
        for request in held {
            let response = Response(rid: request.rid, terminate: .otherRequest)
            responses[request.rid] = response
            actions.append(.respond(request.id, response))
        }
        for (otherID, other) in early.values.sorted(by: { $0.1.rid < $1.1.rid }) where otherID != id {
            actions.append(.respond(otherID, Response(rid: other.rid, terminate: .otherRequest)))
        }
        held = []
        early = [:]
        outbox = []
        isEnded = true
        actions.append(.ended(condition))
        return actions
    }
}
