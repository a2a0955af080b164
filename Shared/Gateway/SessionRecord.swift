import Foundation
import Synchronization

/// One bound resource in the session registry (`sessions:{bare}` field value, JSON).
/// See docs/redis-protocol.md, "Session registry".
public struct SessionRecord: Sendable, Hashable, Codable {
    /// The gateway node that holds the connection.
    public var node: String
    /// Unique per stream (the stream id), so a replaced session's cleanup never
    /// removes its successor's record.
    public var session: String
    /// Presence priority of the last available presence (RFC 6121 §4.7.2.3), 0 until one is sent.
    public var priority: Int
    /// The session sent initial presence and has not gone unavailable (RFC 6121 §4.2).
    public var available: Bool
    /// The session requested the roster (an "interested resource", RFC 6121 §2.1.6).
    public var interested: Bool
    /// The last available presence stanza, serialized, for probes (RFC 6121 §4.3.2).
    public var presence: String?
    /// Milliseconds since 1970 when the resource was bound.
    public var since: Int64
    /// The session enabled message carbons (XEP-0280 §4). Absent in records
    /// written before carbons existed, which read as `false`.
    public var carbons: Bool
    /// The XEP-0198 resumption id of a resumable session, so that a sweeper
    /// that removes the record can leave it with the session's resumption
    /// state (docs/stream-management.md). Absent otherwise.
    public var resumption: String?
    /// The session retrieved the block list (XEP-0191 §3.2), so it gets the
    /// pushes of later blocks and unblocks. Absent in records written before
    /// blocking existed, which read as `false`.
    public var blocklist: Bool

    public init(
        node: String, session: String, priority: Int = 0, available: Bool = false, interested: Bool = false,
        presence: String? = nil, since: Int64 = Int64(Date().timeIntervalSince1970 * 1000), carbons: Bool = false,
        resumption: String? = nil,
        blocklist: Bool = false
    ) {
        self.node = node
        self.session = session
        self.priority = priority
        self.available = available
        self.interested = interested
        self.presence = presence
        self.since = since
        self.carbons = carbons
        self.resumption = resumption
        self.blocklist = blocklist
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        node = try container.decode(String.self, forKey: .node)
        session = try container.decode(String.self, forKey: .session)
        priority = try container.decode(Int.self, forKey: .priority)
        available = try container.decode(Bool.self, forKey: .available)
        interested = try container.decode(Bool.self, forKey: .interested)
        presence = try container.decodeIfPresent(String.self, forKey: .presence)
        since = try container.decode(Int64.self, forKey: .since)
        carbons = try container.decodeIfPresent(Bool.self, forKey: .carbons) ?? false
        resumption = try container.decodeIfPresent(String.self, forKey: .resumption)
        blocklist = try container.decodeIfPresent(Bool.self, forKey: .blocklist) ?? false
    }

    public func encoded() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    public init?(json: String) {
        if let known = Self.decoded.withLock({ $0[json] }) {
            self = known
            return
        }
        guard let record = try? JSONDecoder().decode(SessionRecord.self, from: Data(json.utf8)) else { return nil }
        Self.decoded.withLock { decoded in
            if decoded.count >= Self.decodedLimit { decoded.removeAll(keepingCapacity: true) }
            decoded[json] = record
        }
        self = record
    }

    /// Records already decoded, by their JSON text. Routers read the same
    /// records over and over (every message to a user reads the user's), and
    /// decoding JSON was the largest part of a lookup; a record's text is its
    /// whole value, so an equal text is an equal record. Emptied when full.
    private static let decoded = Mutex<[String: SessionRecord]>([:])
    static let decodedLimit = 8192
}
