import Gateway
import Logging
import NIOCore
import Synchronization
import XMPPCore
import XMPPStream

/// The BOSH sessions this gateway owns, by `sid`: creates them (XEP-0124 §7),
/// routes each request to its session, answers requests for sessions it does
/// not have at once with `item-not-found` (another replica's, or none — never
/// a hang), and keeps `bosh:{sid}` in Redis naming this node while a session lives.
public final class BOSHSessions: Sendable {
    public struct Settings: Sendable {
        public var environment: GatewayEnvironment
        /// Domains and SASL policy; STARTTLS is never offered over BOSH.
        public var negotiation: ClientStreamNegotiation.Configuration
        /// Caps on what clients ask for (`bosh.max_wait`, `bosh.inactivity`, …).
        public var limits: BOSHSessionParameters.Limits
        /// TTL of `bosh:{sid}`; refreshed every third of it.
        public var keyTTL: Duration
        /// How long an ended session still answers with its terminal condition.
        public var linger: Duration

        public init(
            environment: GatewayEnvironment, negotiation: ClientStreamNegotiation.Configuration,
            limits: BOSHSessionParameters.Limits, keyTTL: Duration = .seconds(30), linger: Duration = .seconds(10)
        ) {
            self.environment = environment
            self.negotiation = negotiation
            self.limits = limits
            self.keyTTL = keyTTL
            self.linger = linger
        }
    }

    let settings: Settings
    private let table = Mutex<[String: BOSHSession]>([:])
    private let closing = Atomic<Bool>(false)
    private let liveLoops = Atomic<Int>(0)

    public init(settings: Settings) {
        self.settings = settings
    }

    /// Sessions whose XMPP side has not finished yet.
    public var liveCount: Int { liveLoops.load(ordering: .relaxed) }

    func session(_ sid: String) -> BOSHSession? {
        table.withLock { $0[sid] }
    }

    // MARK: Requests

    /// A parsed request: creates a session or hands it to its session.
    func handle(_ body: BOSHRequestBody, promise: EventLoopPromise<HTTPResponse>, now: ContinuousClock.Instant = .now) {
        guard let sid = body.sid else { return create(body, promise: promise, now: now) }
        guard let session = session(sid) else {
            // Design rule 7: another replica's session, or none; the client starts over.
            return promise.succeed(Self.terminal(.itemNotFound, legacy: false))
        }
        guard let rid = body.rid else { return session.fail(.badRequest, answering: promise, now: now) }
        session.received(body, rid: rid, promise: promise, now: now)
    }

    /// A request that could not be read (`condition` is `bad-request` or
    /// `policy-violation`): ends the session its wrapper names, if any is here.
    func reject(wrapper: BOSHRequestBody?, condition: BOSHTerminalCondition, promise: EventLoopPromise<HTTPResponse>) {
        if let sid = wrapper?.sid, let session = session(sid) {
            settings.environment.logger.info(
                "ending BOSH session: unreadable request", metadata: ["bosh.sid": "\(sid)", "bosh.condition": "\(condition.rawValue)"])
            return session.fail(condition, answering: promise)
        }
        // No session involved: an HTTP-level refusal, with a body BOSH clients understand.
        var response = Self.terminal(condition, legacy: false)
        response.status = condition == .policyViolation ? .payloadTooLarge : .badRequest
        promise.succeed(response)
    }

    private func create(_ body: BOSHRequestBody, promise: EventLoopPromise<HTTPResponse>, now: ContinuousClock.Instant) {
        let legacy = body.version == nil
        func refuse(_ condition: BOSHTerminalCondition) { promise.succeed(Self.terminal(condition, legacy: legacy)) }
        guard let rid = body.rid else { return refuse(.badRequest) }
        guard !closing.load(ordering: .relaxed) else { return refuse(.systemShutdown) }
        guard let to = body.to, !to.isEmpty else { return refuse(.improperAddressing) }
        var domain = to.lowercased()
        if domain.hasSuffix(".") { domain.removeLast() }
        guard settings.negotiation.domains.contains(domain) else { return refuse(.hostUnknown) }
        guard
            let parameters = BOSHSessionParameters.negotiate(
                wait: body.wait, hold: body.hold, version: body.version, ack: body.ack, limits: settings.limits)
        else { return refuse(.badRequest) }

        let info = BOSHSessionInfo(
            sid: Self.makeSID(), streamID: ClientSession.makeStreamID(), domain: domain, language: body.language ?? "en",
            parameters: parameters, creationRID: rid, isLegacy: legacy,
            contentType: body.content.flatMap(Self.safeContentType) ?? BOSHSessionInfo.defaultContentType)
        let session = BOSHSession(
            info: info, creation: promise, now: now, maxHeldBytes: settings.environment.maxOutboundBytes)
        table.withLock { $0[info.sid] = session }
        var environment = settings.environment
        environment.logger[metadataKey: "bosh.sid"] = .string(info.sid)
        let client = ClientSession(
            environment: environment, transport: BOSHTransport(session: session), configuration: settings.negotiation,
            secured: true, streamID: info.streamID)
        liveLoops.add(1, ordering: .relaxed)
        Task {
            await self.register(info.sid)
            await BOSHSessionLoop.run(session, client: client)
            await self.unregister(info.sid)
            self.liveLoops.subtract(1, ordering: .relaxed)
        }
    }

    // MARK: Time and shutdown

    /// Answers held requests whose `wait` ran out, ends idle sessions, and
    /// forgets sessions that ended more than `linger` ago.
    func tick(now: ContinuousClock.Instant) {
        let sessions = table.withLock { Array($0.values) }
        var gone: [String] = []
        for session in sessions {
            session.tick(now: now)
            if let endedAt = session.endedAt, now - endedAt >= settings.linger { gone.append(session.info.sid) }
        }
        guard !gone.isEmpty else { return }
        table.withLock { table in for sid in gone { table[sid] = nil } }
    }

    /// Refuses new sessions and ends every session (`system-shutdown` on SIGTERM).
    func terminateAll(_ condition: BOSHTerminalCondition) {
        closing.store(true, ordering: .relaxed)
        for session in table.withLock({ Array($0.values) }) { session.terminate(condition) }
    }

    // MARK: Redis

    private func register(_ sid: String) async {
        let environment = settings.environment
        do {
            _ = try await environment.redis.send([
                "SET", environment.keys.boshSession(sid: sid), environment.node.rawValue, "PX", milliseconds(settings.keyTTL),
            ])
        } catch {
            environment.logger.warning("could not register BOSH session", metadata: ["bosh.sid": "\(sid)", "error": "\(error)"])
        }
    }

    private func unregister(_ sid: String) async {
        let environment = settings.environment
        _ = try? await environment.redis.send(["DEL", environment.keys.boshSession(sid: sid)])
    }

    /// Rewrites every live session's `bosh:{sid}` with a fresh TTL (also after a Redis restart).
    func refreshKeys() async {
        let environment = settings.environment
        let sids = table.withLock { $0.values.filter { !$0.isEnded }.map(\.info.sid) }
        guard !sids.isEmpty else { return }
        let ttl = milliseconds(settings.keyTTL)
        do {
            _ = try await environment.redis.pipeline(
                sids.map { ["SET", environment.keys.boshSession(sid: $0), environment.node.rawValue, "PX", ttl] })
        } catch {
            environment.logger.warning("could not refresh BOSH session keys", metadata: ["error": "\(error)"])
        }
    }

    private func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }
}
