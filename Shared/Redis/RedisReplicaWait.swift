/// `WAIT numreplicas timeout` after a write that must survive a failover.
///
/// Redis replicates asynchronously: a write the master acknowledged may not be
/// on any replica when the master dies, and a promoted replica then lacks it.
/// With `redis.wait_replicas` set, the accept points of the cluster (a
/// gateway's `XADD` to `route:{p}`, a router's commit) send `WAIT` in the same
/// write and only then count as done, so an accepted stanza is on that many
/// replicas. `WAIT` does not make Redis strongly consistent (docs/clustering.md,
/// "Redis Sentinel"), it closes the window in which the last writes exist only
/// on the master.
public struct RedisReplicaWait: Sendable, Hashable {
    /// How many replicas must have the write.
    public var replicas: Int
    /// How long `WAIT` may block; past it, the write stays accepted (it is on
    /// the master) and the shortfall is reported.
    public var timeout: Duration

    public init(replicas: Int, timeout: Duration = .milliseconds(500)) {
        self.replicas = replicas
        self.timeout = timeout
    }

    /// `WAIT replicas milliseconds`.
    public var command: [any RESPArgument] {
        ["WAIT", replicas, Int(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)]
    }

    /// Whether `WAIT`'s reply (the number of replicas that acknowledged) is enough.
    public func isSatisfied(by reply: RESPValue) -> Bool {
        (reply.int ?? 0) >= Int64(replicas)
    }
}
