#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import GRDB

/// When retention (`archive.retention_days`) deletes expired archived
/// messages: one small batch at a time, between request batches, so that
/// expiring a large backlog never holds the single writer for long. A batch
/// that came back full is followed by another shortly; otherwise the next
/// look is a minute later.
struct ArchiveExpiry: Sendable {
    static let idleInterval: Duration = .seconds(60)
    static let backlogInterval: Duration = .milliseconds(100)

    private(set) var due: ContinuousClock.Instant = .now

    /// Runs one batch if it is time; returns how many messages it deleted.
    mutating func runIfDue(database: DatabaseQueue, limits: StorageLimits) async throws -> Int {
        guard ContinuousClock.now >= due, limits.archiveRetentionMilliseconds > 0 else { return 0 }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let deleted = try await database.write { db in try ArchiveOperations.deleteExpired(now: now, limits: limits, in: db) }
        due = .now + (deleted >= limits.archiveRetentionBatch ? Self.backlogInterval : Self.idleInterval)
        return deleted
    }
}
