/// `router.*`: the stateless RFC 6121 workers.
public struct RouterConfiguration: Sendable, Equatable {
    /// P, the number of `route:{p}` partition streams. Fixed per cluster:
    /// every router must agree on it.
    public var partitions: Int
    /// How many stream entries a router reads per XREADGROUP.
    public var batchSize: Int

    public init(partitions: Int = 32, batchSize: Int = 64) {
        self.partitions = partitions
        self.batchSize = batchSize
    }
}

/// `storage.*`, `scram_iterations`: the single SQLite writer.
public struct StorageConfiguration: Sendable, Equatable {
    /// The SQLite database file.
    public var path: String
    /// PBKDF2 iterations for new SCRAM credentials (RFC 7677 asks for at least 4096).
    public var scramIterations: Int

    public init(path: String = "./var/trellis.sqlite", scramIterations: Int = 4096) {
        self.path = path
        self.scramIterations = scramIterations
    }
}
