/// Keys: `router.partitions` (1…1024, default 32), `router.batch_size` (1…10000, default 64),
/// `router.account_cache` (boolean, default true).
extension RouterConfiguration {
    public init(source: ConfigSource) throws(ConfigurationError) {
        let defaults = RouterConfiguration()
        self.init(
            partitions: try source.int("router.partitions", default: defaults.partitions, in: 1...1024),
            batchSize: try source.int("router.batch_size", default: defaults.batchSize, in: 1...10_000),
            accountCache: try source.bool("router.account_cache", default: defaults.accountCache))
    }
}

/// Keys: `storage.path` (default `./var/trellis.sqlite`),
/// `scram_iterations` (4096…10000000, default 4096),
/// `storage.offline_max_messages` (0…100000, default 100),
/// `storage.vcard_max_bytes` and `storage.private_max_bytes` (1024…16777216, default 65536),
/// `storage.batch_size` (1…1000, default 64),
/// `storage.blocklist_max_items` (1…100000, default 1000).
extension StorageConfiguration {
    public init(source: ConfigSource) throws(ConfigurationError) {
        let defaults = StorageConfiguration()
        self.init(
            path: try source.string("storage.path", default: defaults.path),
            scramIterations: try source.int(
                "scram_iterations", default: defaults.scramIterations, in: 4096...10_000_000),
            offlineMaxMessages: try source.int(
                "storage.offline_max_messages", default: defaults.offlineMaxMessages, in: 0...100_000),
            vcardMaxBytes: try source.int(
                "storage.vcard_max_bytes", default: defaults.vcardMaxBytes, in: 1024...16_777_216),
            privateMaxBytes: try source.int(
                "storage.private_max_bytes", default: defaults.privateMaxBytes, in: 1024...16_777_216),
            batchSize: try source.int("storage.batch_size", default: defaults.batchSize, in: 1...1000),
            blockListMaxItems: try source.int(
                "storage.blocklist_max_items", default: defaults.blockListMaxItems, in: 1...100_000))
    }
}
