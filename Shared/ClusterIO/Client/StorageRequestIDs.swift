import Cluster
import Synchronization

/// Request ids of one client: `<node id>:<boot nonce>:<counter>`.
///
/// Ids are the idempotency key of mutations, remembered by storage for a day,
/// so they must never repeat: the random boot nonce keeps a restarted process
/// that reuses its node id (compose sets `node_id`) from replaying an old id
/// and getting an old reply.
final class StorageRequestIDs: Sendable {
    let prefix: String
    private let counter = Atomic<Int>(0)

    init(nodeID: NodeID, nonce: UInt32 = .random(in: .min ... .max)) {
        let hex = String(nonce, radix: 16)
        prefix = nodeID.rawValue + ":" + String(repeating: "0", count: 8 - hex.count) + hex + ":"
    }

    func next() -> String {
        prefix + String(counter.wrappingAdd(1, ordering: .relaxed).newValue)
    }
}
