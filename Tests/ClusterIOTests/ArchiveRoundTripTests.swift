import Cluster
import ClusterIO
import Redis
import Testing
import TestSupport
import XMPPCore
import XMPPStream
@testable import Router

/// XEP-0313 over a real redis-server: the router's commit queues
/// `archive.append` with no reply, storage applies it (once, however often
/// it is queued) and answers the owner's query.
@Suite("Archive requests through Redis", .serialized)
struct ArchiveRoundTripTests {
    static let alice = "alice@example.com"
    static let bob = "bob@example.com"

    /// The commands a router's commit sends for an entry that archived one
    /// message from alice to bob.
    func commit(_ id: ArchiveID, body: String, keys: ClusterKeys) throws -> [[any RESPArgument]] {
        let message = StanzaWire.decode("<message from='\(Self.alice)/home' to='\(Self.bob)' type='chat'><body>\(body)</body></message>")!
        let append = ArchiveAppend(id: id, sender: try JID(Self.alice + "/home"), recipient: try JID(Self.bob), message: message)
        var outbox = Outbox()
        outbox.queue(StorageRequest(
            id: "route:{3}/\(id.milliseconds)-\(id.sequence):1", operation: .archiveAppend, replyTo: StorageRequest.noReply,
            sentAtMilliseconds: id.milliseconds, arguments: append.arguments))
        return RouterWorker.commands(for: outbox, keys: keys)
    }

    @Test func anAppendQueuedInARoutingCommitIsStoredOnceAndAnsweredToNobody() async throws {
        try await StorageStack.with { stack in
            let credentials = try SCRAMCredentials.deriveAll(password: "p", iterations: 4096)
            try await stack.client.createAccount(user: Self.alice, credentials: credentials)
            try await stack.client.createAccount(user: Self.bob, credentials: credentials)
            let first = ArchiveID(milliseconds: 1_700_000_000_000, sequence: 0, partition: 3)
            let second = ArchiveID(milliseconds: 1_700_000_000_000, sequence: 1, partition: 3)
            _ = try await stack.redis.transaction(try commit(first, body: "one", keys: stack.keys))
            // A takeover routes the entry again: the same request is queued twice.
            _ = try await stack.redis.transaction(try commit(first, body: "one", keys: stack.keys))
            _ = try await stack.redis.transaction(try commit(second, body: "two", keys: stack.keys))

            // Storage reads its stream in order: the query comes after the appends.
            let query = ArchiveQuery().storageArguments(user: try JID(Self.bob), pageSize: 10)
            let page = try #require(ArchivePage(result: try await stack.client.result(.archiveQuery, arguments: query)))
            #expect(page.messages.map(\.id) == [first.description, second.description])
            #expect(page.complete && page.count == 2)
            let alices = ArchiveQuery().storageArguments(user: try JID(Self.alice), pageSize: 10)
            #expect(ArchivePage(result: try await stack.client.result(.archiveQuery, arguments: alices))?.count == 2)

            // Everything was acknowledged, and no reply list was written for the appends.
            try await waitUntil("the stream is drained") {
                (try? await stack.redis.send("XLEN", stack.keys.storageRequests).int) == 0
            }
            let replyLists = try await stack.redis.send("KEYS", stack.keys.prefix + "reply:*").array ?? []
            #expect(replyLists.compactMap(\.string).allSatisfy { $0 == stack.client.replyList })
            #expect(try await stack.redis.send("EXISTS", "").int == 0)
        }
    }
}
