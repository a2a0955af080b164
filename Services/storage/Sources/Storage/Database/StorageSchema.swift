import GRDB

/// The SQLite schema, as versioned migrations run at start-up (GRDB's
/// `DatabaseMigrator` records applied ones in `grdb_migrations`). A released
/// migration is never edited: changes go into a new one. `docs/storage.md`
/// describes every table.
enum StorageSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: v1)
        }
        migrator.registerMigration("v2") { db in
            try db.execute(sql: v2)
        }
        migrator.registerMigration("v3") { db in
            try db.execute(sql: v3)
        }
        return migrator
    }

    /// Accounts, SCRAM credentials, rosters with their versions, pending
    /// inbound subscription requests, vCards, private XML, offline messages and
    /// the idempotency log. Every user-owned row goes with its account.
    static let v1 = """
        CREATE TABLE accounts (
            user TEXT PRIMARY KEY NOT NULL,
            created_at INTEGER NOT NULL
        );
        CREATE TABLE scram_credentials (
            user TEXT NOT NULL REFERENCES accounts(user) ON DELETE CASCADE,
            mechanism TEXT NOT NULL CHECK (mechanism IN ('SCRAM-SHA-1', 'SCRAM-SHA-256')),
            salt BLOB NOT NULL,
            iterations INTEGER NOT NULL CHECK (iterations > 0),
            stored_key BLOB NOT NULL,
            server_key BLOB NOT NULL,
            PRIMARY KEY (user, mechanism)
        );
        CREATE TABLE roster_versions (
            user TEXT PRIMARY KEY NOT NULL REFERENCES accounts(user) ON DELETE CASCADE,
            version INTEGER NOT NULL
        );
        CREATE TABLE roster_items (
            user TEXT NOT NULL REFERENCES accounts(user) ON DELETE CASCADE,
            contact TEXT NOT NULL,
            name TEXT,
            groups TEXT NOT NULL DEFAULT '[]',
            subscription TEXT NOT NULL DEFAULT 'none' CHECK (subscription IN ('none', 'to', 'from', 'both')),
            ask INTEGER NOT NULL DEFAULT 0,
            approved INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (user, contact)
        );
        CREATE TABLE pending_subscriptions (
            user TEXT NOT NULL REFERENCES accounts(user) ON DELETE CASCADE,
            contact TEXT NOT NULL,
            stanza TEXT NOT NULL,
            received_at INTEGER NOT NULL,
            PRIMARY KEY (user, contact)
        );
        CREATE TABLE vcards (
            user TEXT PRIMARY KEY NOT NULL REFERENCES accounts(user) ON DELETE CASCADE,
            xml TEXT NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE TABLE private_xml (
            user TEXT NOT NULL REFERENCES accounts(user) ON DELETE CASCADE,
            namespace TEXT NOT NULL,
            xml TEXT NOT NULL,
            PRIMARY KEY (user, namespace)
        );
        CREATE TABLE offline_messages (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            user TEXT NOT NULL REFERENCES accounts(user) ON DELETE CASCADE,
            xml TEXT NOT NULL,
            stored_at INTEGER NOT NULL
        );
        CREATE INDEX offline_messages_by_user ON offline_messages(user, id);
        CREATE TABLE applied_requests (
            id TEXT PRIMARY KEY NOT NULL,
            reply TEXT NOT NULL,
            applied_at INTEGER NOT NULL
        );
        CREATE INDEX applied_requests_by_time ON applied_requests(applied_at);
        """

    /// XEP-0191 block lists: one row per blocked JID (normalised, in any of
    /// the four forms of XEP-0191 §6), going with the account.
    static let v2 = """
        CREATE TABLE blocklist_items (
            user TEXT NOT NULL REFERENCES accounts(user) ON DELETE CASCADE,
            jid TEXT NOT NULL,
            blocked_at INTEGER NOT NULL,
            PRIMARY KEY (user, jid)
        );
        """

    /// XEP-0313 user archives: one row per message and archive (a message
    /// between two users is in both), keyed by its archive id — the route
    /// entry it arrived in (`stamp`-`seq`) and the partition (`part`) — which
    /// also orders the archive. `with_jid` is the other party's bare JID,
    /// `with_resource` its resource when the address had one; `outgoing` says
    /// which way the message went. The unique key serves lookups by id and
    /// whole-archive pages, `archive_messages_by_with` the `with` filter.
    /// Retention needs no index: rows are inserted within seconds of their
    /// stamp, so the oldest rowids are the oldest messages.
    static let v3 = """
        CREATE TABLE archive_messages (
            user TEXT NOT NULL REFERENCES accounts(user) ON DELETE CASCADE,
            stamp INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            part INTEGER NOT NULL,
            with_jid TEXT NOT NULL,
            with_resource TEXT,
            outgoing INTEGER NOT NULL,
            xml TEXT NOT NULL,
            UNIQUE (user, stamp, seq, part)
        );
        CREATE INDEX archive_messages_by_with ON archive_messages(user, with_jid, stamp, seq, part);
        """
}
