import Cluster
import Redis
import Testing
@testable import Storage

@Suite("Sorting a batch of stream entries")
struct RequestBatchTests {
    static let prefix = "t:reply:{"

    func entry(_ id: String, _ fields: [(String, String)]) -> RedisStreamEntry {
        RedisStreamEntry(id: id, fields: fields)
    }

    @Test func badEntriesAreAnsweredWhenTheyCanBe() {
        let batch = RequestBatch(
            entries: [
                entry("1-0", [("id", "a"), ("op", "drop.tables"), ("reply", "t:reply:{c2s-1}")]),
                entry("2-0", [("id", "b"), ("op", "roster.get")]),
                entry("3-0", [("id", "c"), ("op", "roster.get"), ("reply", "t:other"), ("user", "a@b")]),
                entry("4-0", [("id", "d"), ("op", "roster.get"), ("reply", "t:reply:{c2s-1}"), ("user", "a@b")]),
            ], now: 0, staleReadMilliseconds: 0, replyPrefix: Self.prefix)
        #expect(batch.requests.map(\.id) == ["d"])
        #expect(batch.rejected.count == 1)
        #expect(batch.rejected.first?.reply == .failure(id: "a", condition: "bad-request", text: "unknown operation drop.tables"))
        #expect(batch.problems.map(\.entryID) == ["1-0", "2-0", "3-0"])
    }

    @Test func staleReadsAreSkippedButMutationsNever() {
        let old: Int64 = 1_000
        let batch = RequestBatch(
            entries: [
                entry("1-0", [("id", "r"), ("op", "roster.get"), ("reply", "t:reply:{x}"), ("sent", String(old))]),
                entry("2-0", [("id", "w"), ("op", "offline.store"), ("reply", "t:reply:{x}"), ("sent", String(old))]),
            ], now: old + 60_000, staleReadMilliseconds: 10_000, replyPrefix: Self.prefix)
        #expect(batch.requests.map(\.id) == ["w"])
    }

    @Test func requestsThatWantNoReplyAreExecuted() {
        let batch = RequestBatch(
            entries: [
                entry("1-0", [("id", "a"), ("op", "archive.append"), ("reply", ""), ("xml", "<message/>")]),
                entry("2-0", [("id", "b"), ("op", "drop.tables"), ("reply", "")]),
            ], now: 0, staleReadMilliseconds: 0, replyPrefix: Self.prefix)
        #expect(batch.requests.map(\.id) == ["a"])
        #expect(batch.requests.first?.expectsReply == false)
        // An unknown operation without a reply list is dropped unanswered.
        #expect(batch.rejected.isEmpty)
        #expect(batch.problems.map(\.entryID) == ["2-0"])
    }
}
