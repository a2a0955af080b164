import Cluster
import Runtime
import ServiceLifecycle

/// What `trellis-storage` runs, built from the process context: the database
/// (opened and migrated before any service starts) and the request consumer.
public enum StorageServices {
    /// The readiness check this role adds: passing once the database is open
    /// and migrated.
    public static let readinessCheck = "database open"

    /// Opens the database at `storage.path` (creating its directory) and returns
    /// the consumer service. Throws when the database cannot be opened or
    /// migrated; the process then exits 1.
    public static func make(context: TrellisContext) throws -> [any Service] {
        context.readiness.register(readinessCheck)
        let configuration = context.configuration
        let database = try StorageDatabase.open(path: configuration.storage.path)
        context.readiness.set(readinessCheck, passing: true)
        var logger = context.logger
        logger[metadataKey: "storage.path"] = .string(configuration.storage.path)
        logger.info("database open")
        let timeout = configuration.common.storageRequestTimeoutMilliseconds
        let consumer = RequestConsumer(
            database: database, redis: context.redis, keys: context.keys,
            executor: RequestExecutor(limits: limits(configuration.storage, archive: configuration.archive), logger: logger),
            settings: .init(
                consumer: context.nodeID.rawValue, batchSize: configuration.storage.batchSize,
                replyTTL: .milliseconds(max(2 * timeout, 10_000)), staleReadMilliseconds: Int64(2 * timeout)),
            logger: logger)
        return [consumer]
    }

    static func limits(_ configuration: StorageConfiguration, archive: ArchiveConfiguration) -> StorageLimits {
        var limits = StorageLimits()
        limits.offlineMaxMessages = configuration.offlineMaxMessages
        limits.vcardMaxBytes = configuration.vcardMaxBytes
        limits.privateMaxBytes = configuration.privateMaxBytes
        limits.blockListMaxItems = configuration.blockListMaxItems
        limits.archiveRetentionMilliseconds = Int64(archive.retentionDays) * 86_400_000
        return limits
    }
}
