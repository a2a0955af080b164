import Cluster
import Redis
import XMPPCore

/// The cluster-wide session registry in Redis (`sessions:{bare}` and
/// `node:{id}:sessions`), as one gateway node uses it. Binding, replacing and
/// unbinding are Lua scripts, so each is atomic (single-instance Redis; see
/// docs/redis-protocol.md).
public struct SessionRegistry: Sendable {
    public enum BindOutcome: Sendable, Hashable {
        /// Bound; no earlier session had this resource.
        case bound
        /// Bound, replacing an earlier session with the same full JID (RFC 6120
        /// §7.7.2.2: the new session wins); that session must be closed with
        /// `<conflict/>`.
        case replaced(SessionRecord)
        /// The account already has `max_resources_per_account` resources.
        case resourceConstraint
    }

    let redis: any RedisCommandSender
    let keys: ClusterKeys
    let node: NodeID

    public init(redis: any RedisCommandSender, keys: ClusterKeys, node: NodeID) {
        self.redis = redis
        self.keys = keys
        self.node = node
    }

    /// Registers `jid` (a full JID) for this node.
    public func bind(_ jid: JID, record: SessionRecord, maxResources: Int) async throws -> BindOutcome {
        let reply = try await redis.evaluate(
            Self.bindScript, keys: [keys.sessions(bare: jid.bare.description), keys.nodeSessions(node)],
            arguments: [jid.resourcepart ?? "", record.encoded(), maxResources, jid.description])
        guard let items = reply.array, let outcome = items.first?.string else {
            throw RedisError.unexpectedReply("bind script returned \(reply)")
        }
        switch outcome {
        case "bound": return .bound
        case "limit": return .resourceConstraint
        case "replaced":
            guard items.count > 1, let json = items[1].string, let old = SessionRecord(json: json)
            else { return .bound }
            return .replaced(old)
        default: throw RedisError.unexpectedReply("bind script returned \(outcome)")
        }
    }

    /// Removes `jid` if its record is still this session's (a successor's record
    /// is left alone).
    public func unbind(_ jid: JID, session: String) async throws {
        _ = try await redis.evaluate(
            Self.unbindScript, keys: [keys.sessions(bare: jid.bare.description), keys.nodeSessions(node)],
            arguments: [jid.resourcepart ?? "", session, jid.description, node.rawValue])
    }

    /// Replaces this session's record (presence, priority, interest), if it is still ours.
    public func update(_ jid: JID, record: SessionRecord) async throws {
        _ = try await redis.evaluate(
            Self.updateScript, keys: [keys.sessions(bare: jid.bare.description)],
            arguments: [jid.resourcepart ?? "", record.session, record.encoded()])
    }

    /// Writes this session's record back after the registry lost it (the node
    /// was swept, or Redis lost data), unless the resource now belongs to
    /// another session. Returns whether it was written.
    public func restore(_ jid: JID, record: SessionRecord) async throws -> Bool {
        let reply = try await redis.evaluate(
            Self.restoreScript, keys: [keys.sessions(bare: jid.bare.description), keys.nodeSessions(node)],
            arguments: [jid.resourcepart ?? "", record.session, record.encoded(), jid.description])
        return reply.int == 1
    }

    /// Every session of a user, by resource.
    public func sessions(of bare: JID) async throws -> [String: SessionRecord] {
        Self.records(try await redis.send(readCommand(of: bare)))
    }

    /// The command that reads every session of a user (`HGETALL
    /// sessions:{bare}`), for callers that pipeline the reads of several
    /// users, or other reads, in one round trip; `records` decodes its reply.
    public func readCommand(of bare: JID) -> [any RESPArgument] {
        ["HGETALL", keys.sessions(bare: bare.bare.description)]
    }

    /// The records of an `HGETALL sessions:{bare}` reply; fields that do not
    /// decode are skipped.
    public static func records(_ reply: RESPValue) -> [String: SessionRecord] {
        guard let items = reply.array else { return [:] }
        var result: [String: SessionRecord] = [:]
        var index = 0
        while index + 1 < items.count {
            if let resource = items[index].string, let json = items[index + 1].string, let record = SessionRecord(json: json)
            {
                result[resource] = record
            }
            index += 2
        }
        return result
    }

    // KEYS: sessions:{bare}, node:{id}:sessions. ARGV: resource, record, max, full JID.
    static let bindScript = RedisScript(
        """
        local existing = redis.call('HGET', KEYS[1], ARGV[1])
        if not existing and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then
          return {'limit'}
        end
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
        redis.call('SADD', KEYS[2], ARGV[4])
        if existing then return {'replaced', existing} end
        return {'bound'}
        """)

    // KEYS: sessions:{bare}, node:{id}:sessions. ARGV: resource, session, full JID, node.
    static let unbindScript = RedisScript(
        """
        local current = redis.call('HGET', KEYS[1], ARGV[1])
        if current then
          local record = cjson.decode(current)
          if record.session == ARGV[2] then
            redis.call('HDEL', KEYS[1], ARGV[1])
            redis.call('SREM', KEYS[2], ARGV[3])
          elseif record.node ~= ARGV[4] then
            redis.call('SREM', KEYS[2], ARGV[3])
          end
        else
          redis.call('SREM', KEYS[2], ARGV[3])
        end
        return 1
        """)

    // KEYS: sessions:{bare}, node:{id}:sessions. ARGV: resource, session, record, full JID.
    static let restoreScript = RedisScript(
        """
        local current = redis.call('HGET', KEYS[1], ARGV[1])
        if current and cjson.decode(current).session ~= ARGV[2] then return 0 end
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
        redis.call('SADD', KEYS[2], ARGV[4])
        return 1
        """)

    // KEYS: sessions:{bare}. ARGV: resource, session, record.
    static let updateScript = RedisScript(
        """
        local current = redis.call('HGET', KEYS[1], ARGV[1])
        if current and cjson.decode(current).session == ARGV[2] then
          redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
          return 1
        end
        return 0
        """)
}
