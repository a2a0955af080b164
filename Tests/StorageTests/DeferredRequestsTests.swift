import Redis
import Testing
@testable import Storage

/// Requests nobody waits for are held to share a transaction; everything
/// else, and whatever was held before it, goes at once, in order.
@Suite("Holding requests without a reply")
struct DeferredRequestsTests {
    let start = ContinuousClock.now

    func append(_ id: String) -> RedisStreamEntry {
        RedisStreamEntry(id: id, fields: [("id", id), ("op", "archive.append"), ("reply", ""), ("count", "0")])
    }

    func query(_ id: String) -> RedisStreamEntry {
        RedisStreamEntry(id: id, fields: [("id", id), ("op", "archive.query"), ("reply", "t:reply:{r}"), ("user", "a@b")])
    }

    @Test func appendsWaitUntilSomethingElseComesAndThenGoFirst() {
        var deferred = DeferredRequests(maxEntries: 10)
        #expect(deferred.take([append("1-0"), append("2-0")], now: start).isEmpty)
        #expect(deferred.take([append("3-0")], now: start + .milliseconds(10)).isEmpty)
        #expect(deferred.held.map(\.id) == ["1-0", "2-0", "3-0"])
        // A query must see what was archived before it: held appends go with it, first.
        #expect(deferred.take([query("4-0"), append("5-0")], now: start + .milliseconds(20)).map(\.id) == ["1-0", "2-0", "3-0", "4-0", "5-0"])
        #expect(deferred.held.isEmpty)
        // A bad entry (no reply field) is not held either.
        #expect(deferred.take([RedisStreamEntry(id: "6-0", fields: [("op", "archive.append")])], now: start).map(\.id) == ["6-0"])
    }

    @Test func heldAppendsGoWhenTheyAreManyOldOrTheStreamIsIdle() {
        var deferred = DeferredRequests(maxEntries: 3, maxDelay: .milliseconds(100))
        #expect(deferred.take([append("1-0"), append("2-0")], now: start).isEmpty)
        #expect(deferred.take([append("3-0")], now: start).map(\.id) == ["1-0", "2-0", "3-0"])
        #expect(deferred.take([append("4-0")], now: start).isEmpty)
        #expect(deferred.readTimeout(.milliseconds(500), now: start + .milliseconds(30)) == .milliseconds(70))
        #expect(deferred.take([append("5-0")], now: start + .milliseconds(100)).map(\.id) == ["4-0", "5-0"])
        #expect(deferred.readTimeout(.milliseconds(500), now: start) == .milliseconds(500))
        #expect(deferred.take([append("6-0")], now: start).isEmpty)
        #expect(deferred.take([], now: start + .milliseconds(1)).map(\.id) == ["6-0"])
        #expect(deferred.take([], now: start).isEmpty)
        #expect(deferred.take([append("7-0")], now: start).isEmpty)
        #expect(deferred.flush().map(\.id) == ["7-0"])
    }
}
