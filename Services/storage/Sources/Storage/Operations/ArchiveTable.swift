import Cluster
import ClusterIO
import GRDB
import XMPPCore

/// SQL over `archive_messages`: rows keyed by `(user, stamp, seq, part)`,
/// which is also archive order (`ArchiveID`).
enum ArchiveTable {
    /// One row to insert.
    struct Row: Sendable {
        var user: String
        var withJID: String
        var withResource: String?
        var outgoing: Bool
    }

    /// Inserts each row unless its archive already holds `id` or its user
    /// is not an account (any more): appending again changes nothing.
    ///
    /// One row per `INSERT … VALUES` with `OR IGNORE`: such a statement can
    /// neither change several rows nor stop half way, so SQLite needs no
    /// statement journal for it. (`INSERT … SELECT`, which may, had SQLite
    /// write the pages it touched to a temporary journal first: about 40 KB
    /// of writes per archived message.)
    static func insert(_ rows: [Row], id: ArchiveID, xml: String, accounts: inout AccountCache, in db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO archive_messages (user, stamp, seq, part, with_jid, with_resource, outgoing, xml)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for row in rows where try accounts.exists(row.user, in: db) {
            try statement.execute(arguments: [
                row.user, id.milliseconds, id.sequence, id.partition, row.withJID, row.withResource, row.outgoing, xml,
            ])
        }
    }

    /// Which users are accounts, looked up once per request.
    struct AccountCache {
        private var known: [String: Bool] = [:]

        init() {}

        mutating func exists(_ user: String, in db: Database) throws -> Bool {
            if let known = known[user] { return known }
            let exists = try Bool.fetchOne(
                db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM accounts WHERE user = ?)"), arguments: [user]) ?? false
            known[user] = exists
            return exists
        }
    }

    /// Whether `user`'s archive holds `id`.
    static func contains(_ id: String, user: String, in db: Database) throws -> Bool {
        guard let key = ArchiveID(id) else { return false }
        return try Bool.fetchOne(
            db, sql: "SELECT EXISTS (SELECT 1 FROM archive_messages WHERE user = ? AND stamp = ? AND seq = ? AND part = ?)",
            arguments: [user, key.milliseconds, key.sequence, key.partition]) ?? false
    }

    /// A `WHERE` clause and its arguments, built up condition by condition.
    struct Conditions {
        var clauses: [String] = []
        var arguments: StatementArguments = []

        mutating func add(_ clause: String, _ values: [(any DatabaseValueConvertible)?]) {
            clauses.append(clause)
            arguments += StatementArguments(values)
        }

        /// Rows after (`>`) or before (`<`) `id` in archive order.
        mutating func add(_ comparison: String, _ id: ArchiveID) {
            add("(stamp, seq, part) \(comparison) (?, ?, ?)", [id.milliseconds, id.sequence, id.partition])
        }

        var sql: String { clauses.joined(separator: " AND ") }
    }

    /// The rows of `user`'s archive `filter` matches (XEP-0313 §4.1).
    /// Every id it names must be known to exist (an id that is not an
    /// `ArchiveID` matches nothing).
    static func conditions(user: String, filter: ArchiveQuery.Filter) -> Conditions {
        var conditions = Conditions()
        conditions.add("user = ?", [user])
        if let with = filter.with {
            // §4.1.1: a bare JID matches every resource; a full JID only itself.
            conditions.add("with_jid = ?", [with.bare.description])
            if let resource = with.resourcepart { conditions.add("with_resource = ?", [resource]) }
        }
        if let start = filter.start { conditions.add("stamp >= ?", [start]) }
        if let end = filter.end { conditions.add("stamp <= ?", [end]) }
        if let after = filter.afterID.flatMap(ArchiveID.init) { conditions.add(">", after) }
        if let before = filter.beforeID.flatMap(ArchiveID.init) { conditions.add("<", before) }
        if let ids = filter.ids {
            let keys = ids.compactMap(ArchiveID.init)
            guard !keys.isEmpty else {
                conditions.add("0", [])
                return conditions
            }
            conditions.add(
                "(stamp, seq, part) IN (VALUES " + Array(repeating: "(?, ?, ?)", count: keys.count).joined(separator: ", ") + ")",
                keys.flatMap { [$0.milliseconds, $0.sequence, $0.partition] as [(any DatabaseValueConvertible)?] })
        }
        return conditions
    }

    static func count(_ conditions: Conditions, in db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM archive_messages WHERE \(conditions.sql)", arguments: conditions.arguments)
            ?? 0
    }

    /// Up to `limit` matching rows from the start (`ascending`) or the end
    /// of the archive, skipping `offset`.
    static func records(
        _ conditions: Conditions, ascending: Bool, limit: Int, offset: Int = 0, in db: Database
    ) throws -> [ArchiveRecord] {
        let order = ascending ? "ASC" : "DESC"
        let rows = try GRDB.Row.fetchAll(
            db,
            sql: """
                SELECT stamp, seq, part, xml FROM archive_messages WHERE \(conditions.sql)
                ORDER BY stamp \(order), seq \(order), part \(order) LIMIT ? OFFSET ?
                """,
            arguments: conditions.arguments + [limit, offset])
        return rows.map { row in
            let id = ArchiveID(milliseconds: row["stamp"], sequence: row["seq"], partition: row["part"])
            return ArchiveRecord(id: id.description, stamp: id.milliseconds, xml: row["xml"])
        }
    }

    /// Deletes, of the `limit` oldest rows (by rowid: rows are inserted
    /// within seconds of their stamp, so rowid order is time order give or
    /// take those seconds), those accepted before `cutoff`; returns how many.
    /// Reading the front of the table needs no index of its own on `stamp`,
    /// which every insert would pay for.
    static func deleteAccepted(before cutoff: Int64, limit: Int, in db: Database) throws -> Int {
        try db.execute(
            sql: """
                DELETE FROM archive_messages WHERE rowid IN (
                    SELECT rowid FROM (SELECT rowid, stamp FROM archive_messages ORDER BY rowid LIMIT ?) WHERE stamp < ?)
                """,
            arguments: [limit, cutoff])
        return db.changesCount
    }
}
