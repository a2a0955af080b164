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
        #expect(foreignKeys == 1)
    }

    @Test func migrationsAreRecordedAndNotRunTwice() throws {
        let harness = try StorageHarness()
        try harness.createAccount("alice@example.com")
        try harness.reopen()
        let (applied, complete) = try harness.queue.read { db in
            (try StorageSchema.migrator.appliedIdentifiers(db), try StorageSchema.migrator.hasCompletedMigrations(db))
        }
        #expect(applied == ["v1"])
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
            "private_xml", "offline_messages", "applied_requests",
        ] {
            #expect(tables.contains(table), "missing \(table)")
        }
    }
}
