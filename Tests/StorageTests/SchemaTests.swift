import Foundation
import GRDB
import Testing
@testable import Storage

@Suite("Schema, migrations and durability settings")
struct SchemaTests {
    @Test func opensWithWALAndFullSyncAndCreatesTheDirectory() throws {
        let harness = try StorageHarness()
        #expect(FileManager.default.fileExists(atPath: harness.path))
        let (journal, synchronous, foreignKeys) = try harness.queue.read { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"),
                try Int.fetchOne(db, sql: "PRAGMA foreign_keys")
            )
        }
        #expect(journal == "wal")
        #expect(synchronous == 2)  // FULL
        #expect(try harness.queue.read { db in try Int.fetchOne(db, sql: "PRAGMA temp_store") } == 2)  // MEMORY
        #expect(foreignKeys == 1)
    }

    @Test func migrationsAreRecordedAndNotRunTwice() throws {
        let harness = try StorageHarness()
        try harness.createAccount("alice@example.com")
        try harness.reopen()
        let (applied, complete) = try harness.queue.read { db in
            (try StorageSchema.migrator.appliedIdentifiers(db), try StorageSchema.migrator.hasCompletedMigrations(db))
        }
        #expect(applied == ["v1", "v2", "v3"])
        #expect(complete)
        #expect(try harness.count("accounts") == 1)
    }

    @Test func everyTableExists() throws {
        let harness = try StorageHarness()
        let tables = try harness.queue.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        }
        for table in [
            "accounts", "scram_credentials", "roster_versions", "roster_items", "pending_subscriptions", "vcards",
            "private_xml", "offline_messages", "applied_requests", "blocklist_items", "archive_messages",
        ] {
            #expect(tables.contains(table), "missing \(table)")
        }
    }

    @Test func aVersionOneDatabaseGainsBlockListsAndKeepsItsData() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trellis-v1-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("trellis.sqlite").path
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let old = try DatabaseQueue(path: path, configuration: StorageDatabase.configuration)
        try StorageSchema.migrator.migrate(old, upTo: "v1")
        try old.write { db in
            try db.execute(sql: "INSERT INTO accounts (user, created_at) VALUES ('alice@example.com', 1)")
        }
        try old.close()

        let queue = try StorageDatabase.open(path: path)
        let (applied, accounts) = try queue.read { db in
            (try StorageSchema.migrator.appliedIdentifiers(db), try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM accounts"))
        }
        #expect(applied == ["v1", "v2", "v3"])
        #expect(accounts == 1)
        try queue.write { db in
            try db.execute(sql: "INSERT INTO blocklist_items (user, jid, blocked_at) VALUES ('alice@example.com', 'x', 1)")
        }
    }

    @Test func aVersionTwoDatabaseGainsArchivesAndKeepsItsBlockLists() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trellis-v2-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("trellis.sqlite").path
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let old = try DatabaseQueue(path: path, configuration: StorageDatabase.configuration)
        try StorageSchema.migrator.migrate(old, upTo: "v2")
        try old.write { db in
            try db.execute(sql: "INSERT INTO accounts (user, created_at) VALUES ('alice@example.com', 1)")
            try db.execute(sql: "INSERT INTO blocklist_items (user, jid, blocked_at) VALUES ('alice@example.com', 'x', 1)")
        }
        try old.close()

        let queue = try StorageDatabase.open(path: path)
        let (applied, blocked, indexes) = try queue.read { db in
            (
                try StorageSchema.migrator.appliedIdentifiers(db), try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM blocklist_items"),
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'archive_messages' ORDER BY name")
            )
        }
        #expect(applied == ["v1", "v2", "v3"])
        #expect(blocked == 1)
        #expect(indexes == ["archive_messages_by_with", "sqlite_autoindex_archive_messages_1"])
    }
}
