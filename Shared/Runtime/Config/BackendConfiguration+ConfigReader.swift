/// Keys: `router.partitions` (1…1024, default 32), `router.batch_size` (1…10000, default 64).
extension RouterConfiguration {
    public init(source: ConfigSource) throws(ConfigurationError) {
        let defaults = RouterConfiguration()
        self.init(
            partitions: try source.int("router.partitions", default: defaults.partitions, in: 1...1024),
            batchSize: try source.int("router.batch_size", default: defaults.batchSize, in: 1...10_000))
    }
}

/// Keys: `storage.path` (default `./var/trellis.sqlite`),
/// `scram_iterations` (4096…10000000, default 4096).
extension StorageConfiguration {
    public init(source: ConfigSource) throws(ConfigurationError) {
        let defaults = StorageConfiguration()
        self.init(
            path: try source.string("storage.path", default: defaults.path),
            scramIterations: try source.int(
                "scram_iterations", default: defaults.scramIterations, in: 4096...10_000_000))
    }
}
