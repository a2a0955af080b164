import Cluster
import Redis
import XMPPCore

/// The Redis side of XEP-0198 stream management (docs/stream-management.md):
/// every step that changes a managed session is one Lua script, so that the
/// gateway writing to it, a gateway resuming it and a router expiring it never
/// see it half-changed. Times are Redis's own clock (`TIME`), so the nodes'
/// clocks never matter. Single-instance only, like the registry scripts: some
/// steps touch the old node's delivery stream, named at run time.
public struct ResumptionStore: Sendable {
    let redis: any RedisCommandSender
    let keys: ClusterKeys

    /// Extra time an attached session's deadline gets beyond `max`, so that a
    /// keeper refreshing every few seconds never lets a live one lapse.
    public static let attachedGraceMilliseconds = 30_000
    /// How long a router holds a session it is expiring before another may retry.
    public static let expiryLeaseMilliseconds = 30_000

    public init(redis: any RedisCommandSender, keys: ClusterKeys) {
        self.redis = redis
        self.keys = keys
    }

    // MARK: Owner (the gateway the stream is attached to)

    /// Starts managing a freshly bound session.
    public func create(_ managed: ManagedSession, node: NodeID) async throws {
        _ = try await redis.evaluate(
            ResumptionScripts.create,
            keys: [managed.stateKey(keys), managed.queueKey(keys), keys.resumptionDeadlines],
            arguments: [
                managed.jid.description, managed.session, node.rawValue, managed.maxSeconds, managed.resumable ? 1 : 0,
                managed.member, Self.attachedTTL(managed),
            ])
    }

    public enum AppendOutcome: Sendable, Equatable {
        /// Queued: the positions (in the given order) of the stanzas to write
        /// now. A delivery another gateway took over by resumption is left out.
        case appended([Int])
        /// The session was resumed on another stream; deliveries still here
        /// were forwarded to it.
        case moved
        /// The session expired (or is expiring): nothing was queued.
        case gone
    }

    /// Queues stanzas about to be written to the session (before the write, so
    /// a crash in between loses nothing: a resumption sends them again). Each
    /// one that came from this node's delivery stream (`entryID`) leaves it in
    /// the same step.
    public func append(_ managed: ManagedSession, node: NodeID, items: [(entryID: String?, wire: String)]) async throws
        -> AppendOutcome
    {
        var arguments: [any RESPArgument] = [managed.session, keys.prefix, managed.jid.description]
        for item in items {
            arguments.append(item.entryID ?? "")
            arguments.append(item.wire)
        }
        let reply = try await redis.evaluate(
            ResumptionScripts.append,
            keys: [managed.stateKey(keys), managed.queueKey(keys), keys.deliveries(node)], arguments: arguments)
        guard let items = reply.array, let kind = items.first?.string else {
            throw RedisError.unexpectedReply("append script returned \(reply)")
        }
        switch kind {
        case "ok": return .appended(items.dropFirst().compactMap(\.int).map { Int($0) - 1 })
        case "moved": return .moved
        default: return .gone
        }
    }

    public enum AcknowledgementOutcome: Sendable, Equatable {
        case acknowledged
        /// More than was sent: the stream ends (XEP-0198 §4) — with the count sent.
        case tooHigh(sendCount: UInt32)
        /// Another stream owns the session now.
        case moved
    }

    /// The client handled `handled` stanzas: those leave the queue.
    public func acknowledge(_ managed: ManagedSession, handled: UInt32) async throws -> AcknowledgementOutcome {
        let reply = try await redis.evaluate(
            ResumptionScripts.acknowledge, keys: [managed.stateKey(keys), managed.queueKey(keys)],
            arguments: [managed.session, Int(handled)])
        guard let items = reply.array, let kind = items.first?.string else {
            throw RedisError.unexpectedReply("acknowledge script returned \(reply)")
        }
        switch kind {
        case "ok": return .acknowledged
        case "high": return .tooHigh(sendCount: UInt32(truncatingIfNeeded: items.count > 1 ? items[1].int ?? 0 : 0))
        default: return .moved
        }
    }

    /// The command that records how many of the client's stanzas were handled,
    /// to send in the pipeline that hands those stanzas to the routers.
    public func saveInboundCommand(_ managed: ManagedSession, handled: UInt32) -> [any RESPArgument] {
        ["EVAL", ResumptionScripts.saveInbound.source, 1, managed.stateKey(keys), managed.session, Int(handled)]
    }

    /// Records how many of the client's stanzas were handled (before `<a/>` says so).
    public func saveInbound(_ managed: ManagedSession, handled: UInt32) async throws {
        _ = try await redis.send(saveInboundCommand(managed, handled: handled))
    }

    public enum DetachOutcome: Sendable, Equatable {
        /// Waiting for a resumption until the deadline.
        case detached
        /// Another stream had already taken it over.
        case moved
        /// It expired already.
        case gone
    }

    /// The connection is gone, the client's stanzas `handled` so far. A
    /// session that may be resumed waits `max` seconds for its client; one
    /// that may not expires at once (a router hands its queue back).
    public func detach(_ managed: ManagedSession, handled: UInt32, resumable: Bool) async throws -> DetachOutcome {
        let reply = try await redis.evaluate(
            ResumptionScripts.detach,
            keys: [managed.stateKey(keys), managed.queueKey(keys), keys.resumptionDeadlines],
            arguments: [managed.session, managed.member, resumable ? managed.maxSeconds * 1000 : 0, Int(handled)])
        switch reply.string {
        case "detached": return .detached
        case "moved": return .moved
        default: return .gone
        }
    }

    /// Pushes the deadlines of sessions still attached here further out.
    public func keepAlive(_ sessions: [ManagedSession]) async throws {
        guard !sessions.isEmpty else { return }
        var arguments: [any RESPArgument] = [keys.prefix]
        for managed in sessions {
            arguments += [managed.bare, managed.id, managed.session, Self.attachedTTL(managed)]
        }
        _ = try await redis.evaluate(ResumptionScripts.keepAlive, keys: [keys.resumptionDeadlines], arguments: arguments)
    }

    static func attachedTTL(_ managed: ManagedSession) -> Int {
        managed.maxSeconds * 1000 + attachedGraceMilliseconds
    }

    // MARK: Resumption (any gateway)

    /// The full JID of a managed session of `bare`, if it exists.
    public func jid(bare: JID, id: String) async throws -> JID? {
        let reply = try await redis.send(["HGET", keys.resumption(bare: bare.description, id: id), "jid"])
        return reply.string.flatMap { try? JID($0) }
    }

    public enum ResumeOutcome: Sendable {
        case resumed(ResumedSession)
        /// Unknown, expired, or its resource now belongs to another session.
        case notFound
        /// The client claims more stanzas than were sent.
        case tooHigh(sendCount: UInt32, handledInbound: UInt32)
    }

    /// Takes the session over for stream `session` on `node`: the registry
    /// names this node, the stanzas the old node had not written yet move into
    /// the queue, what the client acknowledged leaves it, and the old stream is
    /// told to close (`conflict`).
    public func resume(
        jid: JID, id: String, handled: UInt32, session: String, node: NodeID, maxSeconds: Int
    ) async throws -> ResumeOutcome {
        let bare = jid.bare.description
        let reply = try await redis.evaluate(
            ResumptionScripts.resume,
            keys: [
                keys.resumption(bare: bare, id: id), keys.resumptionQueue(bare: bare, id: id), keys.sessions(bare: bare),
                keys.resumptionDeadlines,
            ],
            arguments: [
                keys.prefix, jid.description, jid.resourcepart ?? "", Int(handled), session, node.rawValue,
                ClusterKeys.resumptionMember(bare: bare, id: id), maxSeconds * 1000 + Self.attachedGraceMilliseconds,
            ])
        guard let items = reply.array, let kind = items.first?.string else {
            throw RedisError.unexpectedReply("resume script returned \(reply)")
        }
        switch kind {
        case "ok":
            guard items.count >= 6, let json = items[2].string, let record = SessionRecord(json: json) else {
                throw RedisError.unexpectedReply("resume script returned \(reply)")
            }
            return .resumed(
                ResumedSession(
                    handledInbound: UInt32(truncatingIfNeeded: Int64(items[1].string ?? "") ?? items[1].int ?? 0),
                    record: record, restored: items[3].int == 1, previousSession: items[4].string ?? "",
                    previousNode: items[5].string ?? "", backlog: items.dropFirst(6).compactMap(\.string)))
        case "high":
            return .tooHigh(
                sendCount: UInt32(truncatingIfNeeded: items.count > 1 ? items[1].int ?? 0 : 0),
                handledInbound: UInt32(truncatingIfNeeded: items.count > 2 ? Int(items[2].string ?? "") ?? 0 : 0))
        default:
            return .notFound
        }
    }

    // MARK: Expiry (routers)

    /// A session whose deadline passed, taken for expiry (XEP-0198 §5).
    public struct ExpiredSession: Sendable {
        public var member: String
        public var jid: JID
        public var session: String
        public var node: String
        /// The stanzas never acknowledged, oldest first: undeliverable now.
        public var unacknowledged: [String]
    }

    /// Takes up to `limit` sessions whose deadline passed. Each stays in Redis,
    /// marked as expiring (a resumption now fails), until `finishExpiry`; a
    /// router that dies in between leaves it to another after the lease.
    public func takeExpired(limit: Int) async throws -> [ExpiredSession] {
        let reply = try await redis.evaluate(
            ResumptionScripts.takeExpired, keys: [keys.resumptionDeadlines],
            arguments: [keys.prefix, limit, Self.expiryLeaseMilliseconds])
        return (reply.array ?? []).compactMap { item in
            guard let fields = item.array, fields.count >= 4, let member = fields[0].string,
                let jid = fields[1].string.flatMap({ try? JID($0) })
            else { return nil }
            return ExpiredSession(
                member: member, jid: jid, session: fields[2].string ?? "", node: fields[3].string ?? "",
                unacknowledged: fields.dropFirst(4).compactMap(\.string))
        }
    }

    /// The session's unacknowledged stanzas were handed back: forget it.
    public func finishExpiry(_ expired: ExpiredSession) async throws {
        let parts = expired.member.split(separator: " ", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return }
        _ = try await redis.send([
            "DEL", keys.resumption(bare: parts[0], id: parts[1]), keys.resumptionQueue(bare: parts[0], id: parts[1]),
        ])
        _ = try await redis.send(["ZREM", keys.resumptionDeadlines, expired.member])
    }
}
