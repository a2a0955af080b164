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
    /// - Parameter undelivered: set when a gateway hands back a stanza it could
    ///   not write because the session of this full JID is gone; the router then
    ///   applies RFC 6121 §8.5.3 instead of routing it afresh.
    @discardableResult
    public func submit(_ stanza: XMLElement, from sender: JID, undelivered: String? = nil) async throws -> String {
        let partition = partitioning.partition(forBare: sender.bare.description)
        var fields = [("from", sender.description), ("node", node.rawValue), ("stanza", StanzaWire.encode(stanza))]
        if let undelivered { fields.append(("undelivered", undelivered)) }
        return try await redis.xadd(keys.route(partition: partition), fields: fields)
    }
}
