import Cluster
import ClusterIO
import GRDB
import Testing
@testable import Storage

@Suite("Mutations are applied once per request id")
struct IdempotencyTests {
    static let alice = "alice@example.com"

    @Test func aReplayedStoreIsNotAppliedTwice() throws {
        let harness = try StorageHarness()
        try harness.createAccount(Self.alice)
        let arguments = ["user": Self.alice, "xml": "<message xmlns='jabber:client'><body>once</body></message>"]
        let first = try harness.run(.offlineStore, arguments, id: "c2s-1:abc:7")
        let second = try harness.run(.offlineStore, arguments, id: "c2s-1:abc:7")
        #expect(first == second)
        #expect(try harness.count("offline_messages") == 1)
    }

    @Test func aReplayedTakeReturnsTheSameMessages() throws {
        let harness = try StorageHarness()
        try harness.createAccount(Self.alice)
        try harness.ok(.offlineStore, ["user": Self.alice, "xml": "<message xmlns='jabber:client'/>"])
        let first = try harness.run(.offlineTake, ["user": Self.alice], id: "router-1:abc:1")
        let replay = try harness.run(.offlineTake, ["user": Self.alice], id: "router-1:abc:1")
        #expect(first == replay)
        #expect(first.result?["messages"]?.list?.count == 1)
    }

    @Test func aFailureReplyIsReplayedToo() throws {
        let harness = try StorageHarness()
        try harness.createAccount(Self.alice)
        let set = ["user": Self.alice, "xml": "<item xmlns='jabber:iq:roster' jid='bob@example.com'/>"]
        let remove = try harness.run(.rosterRemoveItem, ["user": Self.alice, "contact": "bob@example.com"], id: "x:1:1")
        #expect(remove.error == "item-not-found")
        try harness.ok(.rosterSetItem, set)
        #expect(try harness.run(.rosterRemoveItem, ["user": Self.alice, "contact": "bob@example.com"], id: "x:1:1") == remove)
        #expect(try harness.count("roster_items") == 1)
    }

    @Test func aFailedOperationLeavesNothingBehind() throws {
        let harness = try StorageHarness()
        try harness.createAccount(Self.alice)
        // The refused set must leave the roster version untouched, and its reply is recorded.
        #expect(try harness.condition(.rosterSetItem, ["user": Self.alice, "xml": "<item jid='b@x'><group/></item>"]) == "not-acceptable")
        #expect(try harness.ok(.rosterGet, ["user": Self.alice])["version"] == .int(0))
        #expect(try harness.count("applied_requests") == 2)  // the create and the refused set; reads are not recorded
    }

    @Test func readsAreNotRecordedAndOldRecordsArePruned() throws {
        let harness = try StorageHarness()
        try harness.createAccount(Self.alice)
        try harness.ok(.accountList)
        #expect(try harness.count("applied_requests") == 1)
        let day = StorageLimits().appliedRetentionMilliseconds
        let pruned = try harness.queue.write { db in
            try AppliedRequests.prune(olderThan: day, now: harness.now + day + 1, in: db)
        }
        #expect(pruned == 1)
    }

    @Test func aBatchSharesOneTransactionButFailuresStayApart() throws {
        let harness = try StorageHarness()
        try harness.createAccount(Self.alice)
        let requests = [
            StorageRequest(id: "b:1", operation: .vcardSet, replyTo: "r", sentAtMilliseconds: 0, arguments: ["user": Self.alice, "xml": "<vCard xmlns='vcard-temp'/>"]),
            StorageRequest(id: "b:2", operation: .vcardSet, replyTo: "r", sentAtMilliseconds: 0, arguments: ["user": Self.alice, "xml": "<oops"]),
            StorageRequest(id: "b:3", operation: .rosterGet, replyTo: "r", sentAtMilliseconds: 0, arguments: ["user": Self.alice]),
        ]
        let executor = harness.executor
        let replies = try harness.queue.write { db in try executor.execute(requests, now: 1, in: db) }
        #expect(replies.map(\.ok) == [true, false, true])
        #expect(replies.map(\.id) == ["b:1", "b:2", "b:3"])
        #expect(try harness.count("vcards") == 1)
    }
}
