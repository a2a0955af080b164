import Cluster
import ClusterIO
import GRDB
import XMPPCore

/// `archive.append`, `archive.query` and `archive.metadata` (XEP-0313 user
/// archives), and the retention that deletes old messages.
enum ArchiveOperations {
    /// Archives the messages of one routing commit: each outgoing in its
    /// sender's archive (with = the recipient), incoming in its recipient's
    /// (with = the sender), once for a message to oneself. Idempotent by
    /// archive id, so a replayed request (a router that died before
    /// acknowledging its route entries, a storage that died before
    /// acknowledging the request) stores nothing twice; a user who is not an
    /// account gets no row. A malformed message refuses the whole request
    /// (`bad-request`, nothing stored): routers build it from values they
    /// parsed, so it can only be a defect.
    ///
    /// The XML is kept as the router serialized it, only bounded and checked
    /// to be a `<message>`: unlike an offline message or a vCard, it is not
    /// parsed here, because it comes from a router's own serialization of a
    /// stanza it parsed, and whatever reads it back parses it (the router,
    /// with the restricted parser, before it answers a query). Parsing every
    /// archived message twice would cost storage a tenth of its time under load.
    static func append(_ arguments: RequestArguments, limits: StorageLimits, in db: Database) throws -> [String: StorageValue] {
        guard let messages = ArchiveAppend.messages(in: arguments.values), !messages.isEmpty else {
            throw StorageFailure.badRequest("archive.append needs messages, each with an id, a sender, a recipient and xml")
        }
        for message in messages where !message.xml.hasPrefix("<message") || message.xml.utf8.count > limits.stanzaMaxBytes {
            throw StorageFailure.badRequest("archived xml must be a <message/> of at most \(limits.stanzaMaxBytes) bytes")
        }
        var accounts = ArchiveTable.AccountCache()
        for message in messages {
            let sender = message.sender.bare.description
            let recipient = message.recipient.bare.description
            var rows = [ArchiveTable.Row(user: sender, withJID: recipient, withResource: message.recipient.resourcepart, outgoing: true)]
            if recipient != sender {
                rows.append(ArchiveTable.Row(user: recipient, withJID: sender, withResource: message.sender.resourcepart, outgoing: false))
            }
            try ArchiveTable.insert(rows, id: message.id, xml: message.xml, accounts: &accounts, in: db)
        }
        return ["archived": .int(Int64(messages.count))]
    }

    /// One page of a query (§4), as `ArchivePage`. `item-not-found` when an
    /// id the query names — `after-id`, `before-id`, `ids`, RSM `<after/>`
    /// or `<before/>` — is not in the archive (§4.1.3, §4.3.2).
    static func query(_ arguments: RequestArguments, limits: StorageLimits, in db: Database) throws -> [String: StorageValue] {
        let user = try arguments.account()
        guard let query = ArchiveQuery(storageArguments: arguments.values), let size = query.page.max else {
            throw StorageFailure.badRequest("malformed archive query")
        }
        try AccountOperations.requireAccount(user, in: db)
        var pageBounds: [String] = []
        if let after = query.page.after { pageBounds.append(after) }
        if case .item(let before) = query.page.before { pageBounds.append(before) }
        for id in query.filter.namedIDs + pageBounds {
            guard try ArchiveTable.contains(id, user: user, in: db) else {
                throw StorageFailure(.itemNotFound, "no message \(id) in the archive")
            }
        }
        let matching = ArchiveTable.conditions(user: user, filter: query.filter)
        var bounded = matching
        if let after = query.page.after.flatMap(ArchiveID.init) { bounded.add(">", after) }
        if case .item(let before) = query.page.before, let id = ArchiveID(before) { bounded.add("<", id) }

        // One more than the page holds tells whether anything lies beyond it.
        let backwards = query.page.pagesBackwards
        let fetched = try ArchiveTable.records(
            bounded, ascending: !backwards, limit: size + 1, offset: query.page.index ?? 0, in: db)
        var complete = fetched.count <= size
        var messages: [ArchiveRecord] = []
        var bytes = 0
        for record in fetched.prefix(size) {
            if !messages.isEmpty && bytes + record.xml.utf8.count > limits.archivePageMaxBytes {
                complete = false
                break
            }
            messages.append(record)
            bytes += record.xml.utf8.count
        }
        if backwards { messages.reverse() }

        let count = try ArchiveTable.count(matching, in: db)
        var firstIndex = query.page.index ?? 0
        if query.page.index == nil, let first = messages.first.flatMap({ ArchiveID($0.id) }) {
            var before = matching
            before.add("<", first)
            firstIndex = try ArchiveTable.count(before, in: db)
        }
        return ArchivePage(messages: messages, complete: complete, count: count, firstIndex: firstIndex).result
    }

    /// §6: the archive's first and last message (`first`, `last`), neither
    /// when it is empty.
    static func metadata(_ arguments: RequestArguments, in db: Database) throws -> [String: StorageValue] {
        let user = try arguments.account()
        try AccountOperations.requireAccount(user, in: db)
        let all = ArchiveTable.conditions(user: user, filter: ArchiveQuery.Filter())
        var result: [String: StorageValue] = [:]
        result["first"] = try ArchiveTable.records(all, ascending: true, limit: 1, in: db).first?.storageValue
        result["last"] = try ArchiveTable.records(all, ascending: false, limit: 1, in: db).first?.storageValue
        return result
    }

    /// Deletes up to `limits.archiveRetentionBatch` messages older than the
    /// retention period (the oldest of an archive always go first, so no gap
    /// opens in it, §3.2); returns how many. Nothing when retention is off.
    static func deleteExpired(now: Int64, limits: StorageLimits, in db: Database) throws -> Int {
        guard limits.archiveRetentionMilliseconds > 0 else { return 0 }
        return try ArchiveTable.deleteAccepted(
            before: now - limits.archiveRetentionMilliseconds, limit: limits.archiveRetentionBatch, in: db)
    }
}
