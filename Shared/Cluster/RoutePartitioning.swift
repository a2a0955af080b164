/// Maps a sender to one of the cluster's routing partitions.
///
/// RFC 6120 §10.1 asks a server to process the stanzas of one sender in order.
/// Every stanza from one bare JID goes to the same partition stream
/// (`route:{p}`), and each partition is processed by exactly one router at a time,
/// so order per sender holds however many routers run.
///
/// The hash is 32-bit FNV-1a over the UTF-8 bytes of the normalised bare JID:
/// stable across processes, versions and platforms (Swift's `Hasher` is seeded
/// per process and would not be).
public struct RoutePartitioning: Sendable, Hashable {
    /// Number of partitions; fixed for the life of a cluster.
    public let count: Int

    public init(count: Int) {
        precondition(count > 0, "partition count must be positive")
        self.count = count
    }

    /// The partition for a sender's normalised bare JID.
    public func partition(forBare bare: String) -> Int {
        Int(Self.fnv1a(bare.utf8) % UInt32(count))
    }

    public static func fnv1a(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var hash: UInt32 = 0x811C_9DC5
        for byte in bytes {
            hash ^= UInt32(byte)
            hash = hash &* 0x0100_0193
        }
        return hash
    }
}
