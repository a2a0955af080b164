import Cluster
import Redis
import XMPPCore

/// Hands stamped stanzas to the routers: one `XADD` to the sender's partition
/// stream `route:{p}` (docs/redis-protocol.md, "Into the routers"). Order per
/// sender is kept because one sender always maps to one partition.
public struct RouteQueue: Sendable {
    let redis: any RedisCommandSender
    let keys: ClusterKeys
    let partitioning: RoutePartitioning
    let node: NodeID
    /// `WAIT` after every submission (`redis.wait_replicas`): a stanza counts
    /// as accepted once it is on that many replicas too.
    public var replicaWait: RedisReplicaWait?

    public init(redis: any RedisCommandSender, keys: ClusterKeys, partitions: Int, node: NodeID) {
        self.redis = redis
        self.keys = keys
        self.partitioning = RoutePartitioning(count: partitions)
        self.node = node
    }

    /// Queues a stanza whose `from` is already stamped with the sender's full JID.
    /// Returns the stream entry id once Redis has it: from then on the stanza is
    /// accepted and will not be lost.
    ///
    /// - Parameters:
    ///   - undelivered: set when a stanza comes back because the session of this
    ///     full JID is gone (a gateway could not write it, or the sweeper found
    ///     it on a dead node); the router then applies RFC 6121 §8.5.3 instead
    ///     of routing it afresh. Such an entry names no sender node: the sender
    ///     is not on this node, and routers look its session up when they need it.
    ///   - senderGone: the sender's session no longer exists (the sweeper
    ///     speaking for a dead node's session); the entry names no node.
    ///   - initialPresence: the stanza is the session's initial presence (RFC
    ///     6121 §4.2), so routers also send probes' answers, pending
    ///     subscription requests and offline messages.
    @discardableResult
    public func submit(
        _ stanza: XMLElement, from sender: JID, undelivered: String? = nil, senderGone: Bool = false,
        initialPresence: Bool = false
    ) async throws -> String {
        let add = RedisStreamCommand.xadd(
            keys.route(partition: partitioning.partition(forBare: sender.bare.description)),
            fields: Self.fields(stanza, from: sender, node: undelivered == nil && !senderGone ? node.rawValue : "",
                                undelivered: undelivered, initialPresence: initialPresence))
        guard let replicaWait else {
            guard let id = try await redis.send(add).string else { throw RedisError.unexpectedReply("XADD") }
            return id
        }
        let replies = try await redis.pipeline([add, replicaWait.command])
        if case .error(let message) = replies[0] { throw RedisError.server(message) }
        guard let id = replies[0].string else { throw RedisError.unexpectedReply("XADD") }
        Self.report(replicaWait, replies[1])
        return id
    }

    /// A `WAIT` that timed out short of its replicas: the stanza is accepted
    /// (the master has it) but would not survive a failover right now.
    static func report(_ wait: RedisReplicaWait, _ reply: RESPValue) {
        if !wait.isSatisfied(by: reply) { GatewayMetrics.replicaWaitShortfall() }
    }

    /// A stamped stanza of a session, to be queued with others (`submit(_:)`).
    public struct Submission: Sendable {
        public var stanza: XMLElement
        public var sender: JID
        public var initialPresence: Bool

        public init(stanza: XMLElement, sender: JID, initialPresence: Bool = false) {
            self.stanza = stanza
            self.sender = sender
            self.initialPresence = initialPresence
        }
    }

    /// Queues several stanzas of this node's sessions in one pipelined write,
    /// in order (one round trip). Each gets its own outcome: the stream entry
    /// id, or why Redis did not take it.
    /// `alongWith` commands go in the same pipeline, after the stanzas (their
    /// replies are not looked at).
    public func submit(_ submissions: [Submission], alongWith extra: [[any RESPArgument]] = []) async -> [Result<String, any Error>] {
        let commands = submissions.map { submission in
            RedisStreamCommand.xadd(
                stream(for: submission.sender),
                fields: Self.fields(
                    submission.stanza, from: submission.sender, node: node.rawValue,
                    initialPresence: submission.initialPresence))
        }
        let replies: [RESPValue]
        do {
            replies = try await redis.pipeline(commands + extra + (replicaWait.map { [$0.command] } ?? []))
        } catch {
            return submissions.map { _ in .failure(error) }
        }
        if let replicaWait, let last = replies.last { Self.report(replicaWait, last) }
        return replies.prefix(submissions.count).map { reply in
            switch reply {
            case .error(let message): .failure(RedisError.server(message))
            default:
                if let id = reply.string { .success(id) } else { .failure(RedisError.unexpectedReply("XADD")) }
            }
        }
    }

    /// The partition of `sender`'s stanzas.
    public func partition(for sender: JID) -> Int {
        partitioning.partition(forBare: sender.bare.description)
    }

    /// The partition stream of `sender`'s stanzas.
    public func stream(for sender: JID) -> String {
        keys.route(partition: partitioning.partition(forBare: sender.bare.description))
    }

    /// The fields of a `route:{p}` entry (docs/redis-protocol.md).
    public static func fields(
        _ stanza: XMLElement, from sender: JID, node: String, undelivered: String? = nil, initialPresence: Bool = false
    ) -> [(String, String)] {
        var fields = [("from", sender.description), ("node", node), ("stanza", StanzaWire.encode(stanza))]
        if let undelivered { fields.append(("undelivered", undelivered)) }
        if initialPresence { fields.append(("initial", "1")) }
        return fields
    }
}
