import Cluster
import XMPPCore

/// One session under XEP-0198 stream management, as its keys in Redis name it
/// (docs/stream-management.md).
public struct ManagedSession: Sendable, Hashable {
    /// The full JID the session is bound to.
    public var jid: JID
    /// The resumption id (`previd`), random; unique per account.
    public var id: String
    /// The stream currently attached to it (the gateway's stream id).
    public var session: String
    /// The client asked for resumption (`<enable resume='true'/>`).
    public var resumable: Bool
    /// How long the session waits for a resumption once detached, in seconds.
    public var maxSeconds: Int

    public init(jid: JID, id: String, session: String, resumable: Bool, maxSeconds: Int) {
        self.jid = jid
        self.id = id
        self.session = session
        self.resumable = resumable
        self.maxSeconds = maxSeconds
    }

    public var bare: String { jid.bare.description }

    public func stateKey(_ keys: ClusterKeys) -> String { keys.resumption(bare: bare, id: id) }
    public func queueKey(_ keys: ClusterKeys) -> String { keys.resumptionQueue(bare: bare, id: id) }
    public var member: String { ClusterKeys.resumptionMember(bare: bare, id: id) }

    /// A fresh resumption id: 128 random bits in hex.
    public static func makeID() -> String {
        (0..<32).map { _ in String(UInt8.random(in: 0...15), radix: 16) }.joined()
    }
}

/// What Redis has for a session being taken over on resumption.
public struct ResumedSession: Sendable {
    /// The client's stanzas the server handled (`<resumed h/>`).
    public var handledInbound: UInt32
    /// The registry record as the resumption rewrote it (this node, this stream).
    public var record: SessionRecord
    /// The record was gone from the registry (the old node was swept): it was
    /// written back unavailable, and the session's last presence must be routed
    /// again as initial presence.
    public var restored: Bool
    /// The stream the session was attached to before, and its node.
    public var previousSession: String
    public var previousNode: String
    /// The stanzas to send again, oldest first: those the client had not
    /// acknowledged, then those the old node never got to write.
    public var backlog: [String]
}
