import Foundation
import GRDB

/// Opens the SQLite file the storage service is the single writer of.
///
/// - WAL journal: readers (backups, `sqlite3` by hand) never block the writer.
/// - `synchronous=FULL`: a transaction is on disk when COMMIT returns, even
///   across a power loss. Storage replies only after COMMIT, so a reply means
///   "durable". The cost (one fsync per commit) is paid once per batch of
///   requests, which share one transaction (see `RequestExecutor`), so FULL
///   costs little where NORMAL could lose the last acknowledged batches.
/// - `temp_store=MEMORY`: the sub-journal each request's savepoint keeps
///   (the original of every page it changes, so that a refused request rolls
///   back alone) stays in memory instead of a temporary file. On disk it cost
///   a `pwrite` per page per request: a quarter of storage's time when every
///   message is archived. It holds nothing durable.
/// - Foreign keys on (GRDB's default): deleting an account deletes its rows.
/// - Migrations (`StorageSchema`) run before the queue is handed out.
enum StorageDatabase {
    static func open(path: String) throws -> DatabaseQueue {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        try StorageSchema.migrator.migrate(queue)
        return queue
    }

    static var configuration: Configuration {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(5)
        configuration.label = "trellis.storage"
        // Set here rather than with `journalMode = .wal`: GRDB's WAL set-up
        // lowers `synchronous` to NORMAL after this closure has run.
        configuration.prepareDatabase { db in
            guard try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") == "wal" else {
                throw DatabaseError(message: "could not switch to WAL mode")
            }
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        return configuration
    }
}
