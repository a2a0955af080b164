import Cluster
import GRDB

/// The idempotency log: the reply of every applied mutation, by request id,
/// written in the same transaction as the mutation. A request seen again (a
/// re-claimed stream entry, a requester's retry with the same id) gets the
/// first reply and changes nothing.
///
/// Pruned by age (`StorageLimits.appliedRetentionMilliseconds`, a day): a
/// request can only come back while its stream entry is unacknowledged, which
/// lasts from a crash to the next start, so a day is a generous bound.
enum AppliedRequests {
    static func reply(for id: String, in db: Database) throws -> StorageReply? {
        guard let text = try String.fetchOne(db, sql: "SELECT reply FROM applied_requests WHERE id = ?", arguments: [id])
        else { return nil }
        return try? StorageReply.decode(text)
    }

    static func record(_ reply: StorageReply, at now: Int64, in db: Database) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO applied_requests (id, reply, applied_at) VALUES (?, ?, ?)",
            arguments: [reply.id, reply.encoded(), now])
    }

    /// Deletes records older than `retention`; returns how many.
    @discardableResult
    static func prune(olderThan retention: Int64, now: Int64, in db: Database) throws -> Int {
        try db.execute(sql: "DELETE FROM applied_requests WHERE applied_at < ?", arguments: [now - retention])
        return db.changesCount
    }
}
