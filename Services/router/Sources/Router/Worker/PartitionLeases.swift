import Cluster

/// One router's view of its partition leases, as a pure state machine.
///
/// A lease is a Redis key `lease:route:{p}` set with `SET NX PX` to the owner's
/// node id. The worker asks `plan(liveRouters:now:)` once per beat and carries
/// out the plan: try to acquire the partitions it should own, renew those it
/// holds (a compare-and-set script, so a lease that expired and was taken is not
/// renewed by mistake), and release the ones it holds but should give up — only
/// after its in-flight batch for them is acknowledged. It reports each result
/// back. A partition is processed only while `mayProcess` says so: the local
/// expiry is counted from when the request was *sent*, so it is never later than
/// Redis's own, and a safety margin keeps processing away from the edge.
public struct PartitionLeases: Sendable {
    public typealias Instant = ContinuousClock.Instant

    public struct Plan: Sendable, Hashable {
        public var acquire: [Int] = []
        public var renew: [Int] = []
        public var release: [Int] = []
    }

    public let me: NodeID
    public let assignment: PartitionAssignment
    public let leaseDuration: Duration
    public let safetyMargin: Duration
    /// Held leases and when they expire at the latest.
    private(set) public var held: [Int: Instant] = [:]

    public init(me: NodeID, assignment: PartitionAssignment, leaseDuration: Duration = .seconds(5), safetyMargin: Duration = .seconds(1)) {
        self.me = me
        self.assignment = assignment
        self.leaseDuration = leaseDuration
        self.safetyMargin = safetyMargin
    }

    /// What to do this beat. `liveRouters` must include this router.
    public mutating func plan(liveRouters: [NodeID], now: Instant) -> Plan {
        // Forget leases we can no longer prove we hold.
        held = held.filter { $0.value > now }
        let wanted = assignment.partitions(ownedBy: me, among: liveRouters.contains(me) ? liveRouters : liveRouters + [me])
        var plan = Plan()
        for partition in 0..<assignment.partitions {
            let holding = held[partition] != nil
            switch (wanted.contains(partition), holding) {
            case (true, true): plan.renew.append(partition)
            case (true, false): plan.acquire.append(partition)
            case (false, true): plan.release.append(partition)
            case (false, false): break
            }
        }
        return plan
    }

    /// `SET NX PX` (or the renewal script) that was sent at `sentAt` succeeded.
    public mutating func granted(_ partition: Int, sentAt: Instant) {
        held[partition] = sentAt + leaseDuration
    }

    /// Acquisition or renewal failed: someone else holds the lease.
    public mutating func refused(_ partition: Int) {
        held[partition] = nil
    }

    /// The lease was deleted by us (after the partition's in-flight work was done).
    public mutating func released(_ partition: Int) {
        held[partition] = nil
    }

    /// Whether entries of `partition` may be processed now.
    public func mayProcess(_ partition: Int, now: Instant) -> Bool {
        guard let expiry = held[partition] else { return false }
        return now + safetyMargin < expiry
    }

    /// Partitions that may be processed now, in order.
    public func processable(now: Instant) -> [Int] {
        held.keys.filter { mayProcess($0, now: now) }.sorted()
    }
}
