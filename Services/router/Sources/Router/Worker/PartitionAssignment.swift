import Cluster

/// Which router should own each routing partition, given the live routers.
///
/// Rendezvous (highest-random-weight) hashing: partition `p` goes to the router
/// with the highest `FNV-1a(p ‖ router id)`. Every router computes the same
/// answer from the same membership without talking to the others, and when a
/// router joins or leaves only the partitions it gains or loses move — the rest
/// keep their owner, and with it their in-flight order.
public struct PartitionAssignment: Sendable, Hashable {
    public let partitions: Int

    public init(partitions: Int) {
        precondition(partitions > 0)
        self.partitions = partitions
    }

    /// The owner of partition `p` among `routers` (nil when there are none).
    public func owner(of partition: Int, among routers: [NodeID]) -> NodeID? {
        routers.max { score(partition, $0) < score(partition, $1) || (score(partition, $0) == score(partition, $1) && $0 > $1) }
    }

    /// The partitions `router` should own.
    public func partitions(ownedBy router: NodeID, among routers: [NodeID]) -> Set<Int> {
        Set((0..<partitions).filter { owner(of: $0, among: routers) == router })
    }

    func score(_ partition: Int, _ router: NodeID) -> UInt32 {
        // Mix the FNV result so that consecutive partitions spread evenly.
        var hash = RoutePartitioning.fnv1a("\(partition)|\(router.rawValue)".utf8)
        hash ^= hash >> 16
        hash = hash &* 0x7FEB_352D
        hash ^= hash >> 15
        hash = hash &* 0x846C_A68B
        hash ^= hash >> 16
        return hash
    }
}
