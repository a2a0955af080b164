/// `router.*`: the stateless RFC 6121 workers.
public struct RouterConfiguration: Sendable, Equatable {
    /// P, the number of `route:{p}` partition streams. Fixed per cluster:
    /// every router must agree on it.
    public var partitions: Int
    /// How many stream entries a router reads per XREADGROUP.
    public var batchSize: Int
    /// Whether the router keeps the session records and block lists it read
    /// until Redis's keyspace notifications say they changed (docs/routing.md,
    /// "The account cache").
    public var accountCache: Bool

    public init(partitions: Int = 32, batchSize: Int = 64, accountCache: Bool = true) {
        self.partitions = partitions
        self.batchSize = batchSize
        self.accountCache = accountCache
    }
}

/// `storage.*`, `scram_iterations`: the single SQLite writer.
public struct StorageConfiguration: Sendable, Equatable {
    /// The SQLite database file.
    public var path: String
    /// PBKDF2 iterations for new SCRAM credentials (RFC 7677 asks for at least 4096).
    public var scramIterations: Int
    /// Offline messages kept per user (XEP-0160); more are refused with
    /// `service-unavailable`. 0 disables offline storage.
    public var offlineMaxMessages: Int
    /// Largest vCard (XEP-0054) storage keeps, in bytes of XML.
    public var vcardMaxBytes: Int
    /// Largest private XML element (XEP-0049), in bytes of XML.
    public var privateMaxBytes: Int
    /// Requests read and committed together (one transaction, one fsync).
    public var batchSize: Int
    /// JIDs one user may block (XEP-0191); a block command that would go over
    /// is refused with `policy-violation`.
    public var blockListMaxItems: Int

    public init(
        path: String = "./var/trellis.sqlite", scramIterations: Int = 4096, offlineMaxMessages: Int = 100,
        vcardMaxBytes: Int = 65_536, privateMaxBytes: Int = 65_536, batchSize: Int = 64, blockListMaxItems: Int = 1000
    ) {
        self.path = path
        self.scramIterations = scramIterations
        self.offlineMaxMessages = offlineMaxMessages
        self.vcardMaxBytes = vcardMaxBytes
        self.privateMaxBytes = privateMaxBytes
        self.batchSize = batchSize
        self.blockListMaxItems = blockListMaxItems
    }
}
