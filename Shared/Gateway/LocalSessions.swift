import Metrics
import Synchronization
import XMPPCore

/// A live client session on this gateway, as deliveries see it.
public protocol DeliveryTarget: AnyObject, Sendable {
    /// The stream id, unique per session.
    var sessionID: String { get }
    /// Writes stanzas, serialized as in a client stream (`StanzaWire`), to
    /// the client in order; returns once they are written, or held back by the
    /// client's state (XEP-0352), or queued for a resumption (XEP-0198), or
    /// the connection is gone (`false`: the caller hands them back).
    /// `entryIDs` are the `deliver:{node}` entries they came from, in the same
    /// order (stream management takes them out of the stream as it queues them).
    func deliver(wires: [String], entryIDs: [String?]) async -> Bool
    /// Ends the stream with this stream error.
    func close(with condition: StreamError.Condition) async
    /// The session's full JID and current registry record, to register it
    /// again after the registry lost it.
    var registration: SessionRegistration? { get }
}

/// A bound session as the registry knows it.
public struct SessionRegistration: Sendable, Hashable {
    public var jid: JID
    public var record: SessionRecord

    public init(jid: JID, record: SessionRecord) {
        self.jid = jid
        self.record = record
    }
}

/// The sessions bound on this gateway node, by full JID.
public final class LocalSessions: Sendable {
    private let sessions = Mutex<[String: any DeliveryTarget]>([:])

    public init() {}

    public func add(_ target: any DeliveryTarget, jid: String) {
        let count = sessions.withLock { table in
            table[jid] = target
            return table.count
        }
        GatewayMetrics.sessions.record(count)
    }

    /// Removes `jid` only if it is still `target` (a successor stays).
    public func remove(jid: String, sessionID: String) {
        let count = sessions.withLock { table in
            if table[jid]?.sessionID == sessionID { table[jid] = nil }
            return table.count
        }
        GatewayMetrics.sessions.record(count)
    }

    public func target(for jid: String) -> (any DeliveryTarget)? {
        sessions.withLock { $0[jid] }
    }

    public var count: Int { sessions.withLock { $0.count } }

    public var all: [any DeliveryTarget] { sessions.withLock { Array($0.values) } }
}
