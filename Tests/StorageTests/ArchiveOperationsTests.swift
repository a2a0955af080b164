import Cluster
import ClusterIO
import GRDB
import Testing
import XMPPCore
@testable import Storage

/// XEP-0313 user archives in storage: appending (idempotent, both archives),
/// queries with their filters and pages, counts, errors, retention and
/// account deletion.
@Suite("Archive operations (XEP-0313)")
struct ArchiveOperationsTests {
    static let alice = "alice@example.com"
    static let bob = "bob@example.com"
    static let carol = "carol@example.com"

    /// Alice, Bob and Carol; `count` messages appended: alice→bob at even
    /// positions, bob→alice at odd ones, one second apart from `base`.
    func harness(messages count: Int = 0) throws -> StorageHarness {
        let harness = try StorageHarness(account: Self.alice)
        try harness.createAccount(Self.bob)
        try harness.createAccount(Self.carol)
        for n in 0..<count {
            let (from, to) = n % 2 == 0 ? (Self.alice + "/home", Self.bob) : (Self.bob + "/phone", Self.alice)
            try append(harness, id: id(n), from: from, to: to, body: "m\(n)")
        }
        return harness
    }

    static let base: Int64 = 1_700_000_000_000

    /// The archive id of the n-th test message.
    func id(_ n: Int, partition: Int = 3) -> ArchiveID {
        ArchiveID(milliseconds: Self.base + Int64(n) * 1000, sequence: 0, partition: partition)
    }

    func append(_ harness: StorageHarness, id: ArchiveID, from: String, to: String, body: String, requestID: String? = nil) throws {
        let message = StanzaWire.decode("<message from='\(from)' to='\(to)' type='chat'><body>\(body)</body></message>")!
        let append = ArchiveAppend(id: id, sender: try JID(from), recipient: try JID(to), message: message)
        try harness.ok(.archiveAppend, ArchiveAppend.arguments([append]), id: requestID)
    }

    /// Runs a query of `user`'s archive; the page.
    func query(
        _ harness: StorageHarness, user: String = alice, _ filter: ArchiveQuery.Filter = .init(),
        page: ResultSetRequest = .init(), size: Int = 50
    ) throws -> ArchivePage {
        let arguments = ArchiveQuery(filter: filter, page: page).storageArguments(user: try JID(user), pageSize: size)
        return try #require(ArchivePage(result: harness.ok(.archiveQuery, arguments)))
    }

    func bodies(_ page: ArchivePage) -> [String] {
        page.messages.compactMap { StanzaWire.decode($0.xml)?.firstChild(named: "body")?.text }
    }

    func condition(_ harness: StorageHarness, _ filter: ArchiveQuery.Filter = .init(), page: ResultSetRequest = .init()) throws -> String? {
        let arguments = ArchiveQuery(filter: filter, page: page).storageArguments(user: try JID(Self.alice), pageSize: 10)
        return try harness.condition(.archiveQuery, arguments)
    }

    @Test func aMessageIsArchivedOnceForEachPartyAndAppendingAgainChangesNothing() throws {
        let harness = try harness()
        try append(harness, id: id(0), from: Self.alice + "/home", to: Self.bob, body: "hi", requestID: "route:{3}/1-0:1")
        try append(harness, id: id(0), from: Self.alice + "/home", to: Self.bob, body: "hi", requestID: "route:{3}/1-0:1")
        try append(harness, id: id(0), from: Self.alice + "/home", to: Self.bob, body: "hi", requestID: "other")
        #expect(try harness.count("archive_messages") == 2)
        // Not in the idempotency log (three account creations are): the unique key is the idempotency.
        #expect(try harness.count("applied_requests") == 3)
        let alices = try query(harness)
        let bobs = try query(harness, user: Self.bob)
        #expect(alices.messages.map(\.id) == [id(0).description] && bobs.messages.map(\.id) == [id(0).description])
        #expect(alices.messages.first?.stamp == Self.base)
        let stored = try #require(StanzaWire.decode(alices.messages[0].xml))
        #expect(stored[attribute: "from"] == "alice@example.com/home" && stored[attribute: "to"] == Self.bob)
        // A message to oneself is archived once; one to a non-account only for its sender.
        try append(harness, id: id(1), from: Self.alice + "/home", to: Self.alice + "/phone", body: "note")
        try append(harness, id: id(2), from: Self.alice + "/home", to: "ghost@example.com", body: "void")
        #expect(try harness.count("archive_messages") == 4)
        #expect(bodies(try query(harness)) == ["hi", "note", "void"])
    }

    @Test func oneRequestCarriesACommitsMessagesAndABadOneRefusesThemAll() throws {
        let harness = try harness()
        func message(_ n: Int, xml: String? = nil) throws -> ArchiveAppend {
            ArchiveAppend(
                id: id(n), sender: try JID(Self.alice + "/a"), recipient: try JID(Self.bob),
                xml: xml ?? "<message type='chat'><body>m\(n)</body></message>")
        }
        #expect(try harness.ok(.archiveAppend, ArchiveAppend.arguments([message(0), message(1), message(2)]))["archived"] == .int(3))
        #expect(try harness.count("archive_messages") == 6)
        // One malformed message among good ones: nothing of the request is stored.
        let pair = ArchiveAppend.arguments([try message(3), try message(4)])
        for (field, value) in [("id.1", "17"), ("from.1", "example.com"), ("to.1", "bad@@example.com"), ("xml.1", "<presence/>"),
                               ("xml.1", "<message>" + String(repeating: "x", count: 1 << 20)), ("count", "3"), ("count", "-1")] {
            #expect(try harness.condition(.archiveAppend, pair.merging([field: value]) { $1 }) == "bad-request", "\(field)")
        }
        #expect(try harness.condition(.archiveAppend, ["count": "0"]) == "bad-request")
        #expect(try harness.condition(.archiveAppend, ["count": "many"]) == "bad-request")
        #expect(try harness.condition(.archiveAppend, [:]) == "bad-request")
        #expect(try harness.count("archive_messages") == 6)
    }

    @Test func pagesGoForwardWithAfterAndBackwardWithBefore() throws {
        let harness = try harness(messages: 7)
        let first = try query(harness, page: ResultSetRequest(max: 3), size: 3)
        #expect(bodies(first) == ["m0", "m1", "m2"])
        #expect(!first.complete && first.count == 7 && first.firstIndex == 0)
        #expect(first.resultSet == ResultSetPage(first: id(0).description, last: id(2).description, firstIndex: 0, count: 7))
        let second = try query(harness, page: ResultSetRequest(max: 3, after: id(2).description), size: 3)
        #expect(bodies(second) == ["m3", "m4", "m5"] && !second.complete && second.firstIndex == 3)
        let third = try query(harness, page: ResultSetRequest(max: 3, after: id(5).description), size: 3)
        #expect(bodies(third) == ["m6"] && third.complete && third.firstIndex == 6)
        // XEP-0059 §2.5: <before/> is the last page, in order; <before>id</before> the page before id.
        let last = try query(harness, page: ResultSetRequest(max: 3, before: .lastPage), size: 3)
        #expect(bodies(last) == ["m4", "m5", "m6"] && !last.complete && last.firstIndex == 4)
        let earlier = try query(harness, page: ResultSetRequest(max: 3, before: .item(id(4).description)), size: 3)
        #expect(bodies(earlier) == ["m1", "m2", "m3"] && !earlier.complete)
        let earliest = try query(harness, page: ResultSetRequest(max: 3, before: .item(id(1).description)), size: 3)
        #expect(bodies(earliest) == ["m0"] && earliest.complete && earliest.firstIndex == 0)
        // <index/> jumps; <max>0</max> only counts.
        let jumped = try query(harness, page: ResultSetRequest(max: 2, index: 5), size: 2)
        #expect(bodies(jumped) == ["m5", "m6"] && jumped.complete && jumped.firstIndex == 5)
        let counted = try query(harness, page: ResultSetRequest(max: 0), size: 0)
        #expect(counted.messages.isEmpty && counted.count == 7 && !counted.complete)
        #expect(counted.resultSet == ResultSetPage(count: 7))
    }

    @Test func filtersByWithStartEndAndIDs() throws {
        let harness = try harness(messages: 6)
        try append(harness, id: id(6), from: Self.carol + "/desk", to: Self.alice + "/home", body: "from carol")
        try append(harness, id: id(7), from: Self.alice + "/home", to: Self.carol, body: "to carol")
        let bob = try JID(Self.bob)
        #expect(bodies(try query(harness, .init(with: bob))) == ["m0", "m1", "m2", "m3", "m4", "m5"])
        #expect(bodies(try query(harness, .init(with: try JID(Self.carol)))) == ["from carol", "to carol"])
        // §4.1.1: a full JID matches that resource only, either way.
        #expect(bodies(try query(harness, .init(with: try JID(Self.bob + "/phone")))) == ["m1", "m3", "m5"])
        #expect(bodies(try query(harness, .init(with: try JID(Self.carol + "/desk")))) == ["from carol"])
        // §4.1.2: start and end include their instants.
        let window = ArchiveQuery.Filter(start: Self.base + 2000, end: Self.base + 4000)
        #expect(bodies(try query(harness, window)) == ["m2", "m3", "m4"])
        #expect(try query(harness, window).count == 3)
        #expect(bodies(try query(harness, .init(with: bob, start: Self.base + 4500))) == ["m5"])
        // §4.1.3: after-id and before-id exclude their own message; ids pick.
        #expect(bodies(try query(harness, .init(afterID: id(1).description, beforeID: id(4).description))) == ["m2", "m3"])
        #expect(bodies(try query(harness, .init(ids: [id(5).description, id(0).description]))) == ["m0", "m5"])
        // Bob sees his side of the same conversation.
        #expect(bodies(try query(harness, user: Self.bob, .init(with: try JID(Self.alice)))) == ["m0", "m1", "m2", "m3", "m4", "m5"])
        #expect(bodies(try query(harness, user: Self.carol)) == ["from carol", "to carol"])
    }

    @Test func idsThatAreNotInTheArchiveAreItemNotFound() throws {
        let harness = try harness(messages: 2)
        try append(harness, id: id(9), from: Self.bob + "/phone", to: Self.carol, body: "not alice's")
        let missing = id(5).description
        let others = id(9).description
        #expect(try condition(harness, page: ResultSetRequest(after: missing)) == "item-not-found")
        #expect(try condition(harness, page: ResultSetRequest(before: .item(missing))) == "item-not-found")
        #expect(try condition(harness, page: ResultSetRequest(after: others)) == "item-not-found")
        #expect(try condition(harness, page: ResultSetRequest(after: "not-an-id")) == "item-not-found")
        #expect(try condition(harness, .init(afterID: missing)) == "item-not-found")
        #expect(try condition(harness, .init(beforeID: missing)) == "item-not-found")
        #expect(try condition(harness, .init(ids: [id(0).description, missing])) == "item-not-found")
        #expect(try condition(harness, page: ResultSetRequest(after: id(1).description)) == nil)
        // A malformed request and an unknown user.
        #expect(try harness.condition(.archiveQuery, ["user": Self.alice]) == "bad-request")
        #expect(try harness.condition(.archiveQuery, ["user": "ghost@example.com", "max": "5"]) == "item-not-found")
    }

    @Test func aPageOfLargeMessagesEndsAtTheByteBudget() throws {
        var limits = StorageLimits()
        limits.archivePageMaxBytes = 400  // two messages of 193 bytes fit, three do not
        let harness = try StorageHarness(account: Self.alice, limits: limits)
        try harness.createAccount(Self.bob)
        for n in 0..<4 {
            try append(harness, id: id(n), from: Self.alice + "/a", to: Self.bob, body: String(repeating: "x", count: 100) + "\(n)")
        }
        let page = try query(harness, page: ResultSetRequest(max: 10), size: 10)
        #expect(page.messages.map(\.xml.utf8.count) == [193, 193])
        #expect(page.messages.count == 2 && !page.complete && page.count == 4)
    }

    @Test func metadataNamesTheFirstAndLastMessage() throws {
        let harness = try harness()
        #expect(try harness.ok(.archiveMetadata, ["user": Self.alice]).isEmpty)
        for n in 0..<3 { try append(harness, id: id(n), from: Self.alice + "/a", to: Self.bob, body: "m\(n)") }
        let result = try harness.ok(.archiveMetadata, ["user": Self.alice])
        #expect(ArchiveRecord(storageValue: result["first"])?.id == id(0).description)
        #expect(ArchiveRecord(storageValue: result["last"])?.id == id(2).description)
        #expect(ArchiveRecord(storageValue: result["last"])?.stamp == Self.base + 2000)
    }

    @Test func retentionDeletesTheOldestInSmallBatchesAndZeroKeepsEverything() throws {
        var limits = StorageLimits()
        limits.archiveRetentionMilliseconds = 10_000
        limits.archiveRetentionBatch = 3
        let harness = try StorageHarness(account: Self.alice, limits: limits)
        try harness.createAccount(Self.bob)
        for n in 0..<8 { try append(harness, id: id(n), from: Self.alice + "/a", to: Self.bob, body: "m\(n)") }
        #expect(try harness.count("archive_messages") == 16)
        // Now is 14.5 s after the first message: m0…m4 (older than 10 s) expire.
        let now = Self.base + 14_500
        let deleted = try harness.queue.write { db in
            [try ArchiveOperations.deleteExpired(now: now, limits: limits, in: db),
             try ArchiveOperations.deleteExpired(now: now, limits: limits, in: db),
             try ArchiveOperations.deleteExpired(now: now, limits: limits, in: db),
             try ArchiveOperations.deleteExpired(now: now, limits: limits, in: db)]
        }
        #expect(deleted == [3, 3, 3, 1])
        #expect(bodies(try query(harness)) == ["m5", "m6", "m7"])
        #expect(bodies(try query(harness, user: Self.bob)) == ["m5", "m6", "m7"])
        // A message appended late (storage was away) goes when it reaches the front.
        try append(harness, id: id(-100), from: Self.alice + "/a", to: Self.bob, body: "late")
        #expect(try harness.queue.write { db in try ArchiveOperations.deleteExpired(now: now, limits: limits, in: db) } == 0)
        let later = Self.base + 17_500
        #expect(try harness.queue.write { db in try ArchiveOperations.deleteExpired(now: later, limits: limits, in: db) } == 3)
        #expect(bodies(try query(harness)) == ["late", "m7"])
        #expect(try harness.queue.write { db in try ArchiveOperations.deleteExpired(now: later, limits: limits, in: db) } == 3)
        #expect(try harness.queue.write { db in try ArchiveOperations.deleteExpired(now: later, limits: limits, in: db) } == 2)
        #expect(bodies(try query(harness)).isEmpty)
        limits.archiveRetentionMilliseconds = 0
        #expect(try harness.queue.write { db in try ArchiveOperations.deleteExpired(now: now * 2, limits: limits, in: db) } == 0)
    }

    @Test func deletingAnAccountDeletesItsArchiveOnly() throws {
        let harness = try harness(messages: 3)
        try harness.ok(.accountDelete, ["user": Self.alice])
        #expect(try harness.count("archive_messages") == 3)
        #expect(bodies(try query(harness, user: Self.bob)) == ["m0", "m1", "m2"])
    }

    @Test func queriesUseTheIndexes() throws {
        let harness = try harness(messages: 1)
        func plan(_ filter: ArchiveQuery.Filter, after: ArchiveID? = nil) throws -> String {
            var conditions = ArchiveTable.conditions(user: Self.alice, filter: filter)
            if let after { conditions.add(">", after) }
            let sql = "EXPLAIN QUERY PLAN SELECT xml FROM archive_messages WHERE \(conditions.sql) ORDER BY stamp, seq, part LIMIT 5"
            let arguments = conditions.arguments
            return try harness.queue.read { db in
                try String(describing: Row.fetchAll(db, sql: sql, arguments: arguments).map { $0["detail"] as String })
            }
        }
        #expect(try plan(.init(), after: id(0)).contains("sqlite_autoindex_archive_messages_1"))
        #expect(try plan(.init(with: try JID(Self.bob))).contains("archive_messages_by_with"))
        #expect(try !plan(.init(with: try JID(Self.bob))).contains("TEMP B-TREE"))
    }
}
