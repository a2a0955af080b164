import Cluster
import ClusterIO
import Foundation
import Redis
import Testing
import TestSupport
import XMPPCore
import XMPPStream
@testable import Router
@testable import Storage

/// XEP-0313 over a real redis-server: the router's commit queues
/// `archive.append` with no reply, storage applies it (once, however often
/// it is queued) and answers the owner's query.
@Suite("Archive requests through Redis", .serialized)
struct ArchiveRoundTripTests {
    static let alice = "alice@example.com"
    static let bob = "bob@example.com"
    static var now: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// The commands a router's commit sends for an entry that archived one
    /// message from alice to bob.
    func commit(_ id: ArchiveID, body: String, keys: ClusterKeys) throws -> [[any RESPArgument]] {
        let message = StanzaWire.decode("<message from='\(Self.alice)/home' to='\(Self.bob)' type='chat'><body>\(body)</body></message>")!
        var outbox = Outbox()
        outbox.archive(ArchiveAppend(id: id, sender: try JID(Self.alice + "/home"), recipient: try JID(Self.bob), message: message))
        let entry = "\(id.milliseconds)-\(id.sequence)"
        return [RouterWorker.archiveCommand(for: [outbox], stream: keys.route(partition: 3), ids: [entry], keys: keys)!]
    }

    @Test func anAppendQueuedInARoutingCommitIsStoredOnceAndAnsweredToNobody() async throws {
        try await StorageStack.with { stack in
            let credentials = try SCRAMCredentials.deriveAll(password: "p", iterations: 4096)
            try await stack.client.createAccount(user: Self.alice, credentials: credentials)
            try await stack.client.createAccount(user: Self.bob, credentials: credentials)
            // Messages of now: retention (a year by default) keeps them.
            let now = Self.now
            let first = ArchiveID(milliseconds: now, sequence: 0, partition: 3)
            let second = ArchiveID(milliseconds: now, sequence: 1, partition: 3)
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

    @Test func theRunningServiceExpiresOldMessagesInBatches() async throws {
        try await StorageStack.with(storage: false) { stack in
            var limits = StorageLimits()
            limits.archiveRetentionMilliseconds = 3_600_000
            limits.archiveRetentionBatch = 2
            try stack.startStorage(limits: limits)
            let credentials = try SCRAMCredentials.deriveAll(password: "p", iterations: 4096)
            try await stack.client.createAccount(user: Self.alice, credentials: credentials)
            try await stack.client.createAccount(user: Self.bob, credentials: credentials)
            // Storage looked for expired messages when it started and found
            // none (the next look is a minute away): start it again once they
            // are queued. Five messages two hours old, one of now.
            await stack.stopStorage()
            let old = Self.now - 7_200_000
            for n in 0..<5 {
                _ = try await stack.redis.transaction(
                    try commit(ArchiveID(milliseconds: old, sequence: Int64(n), partition: 0), body: "old \(n)", keys: stack.keys))
            }
            let recent = ArchiveID(milliseconds: Self.now, sequence: 0, partition: 0)
            _ = try await stack.redis.transaction(try commit(recent, body: "new", keys: stack.keys))
            try stack.startStorage(limits: limits)
            let query = ArchiveQuery().storageArguments(user: try JID(Self.bob), pageSize: 10)
            // Batches of two, one every 100 ms while they come back full.
            try await waitUntil("the old messages expired") {
                let page = ArchivePage(result: try await stack.client.result(.archiveQuery, arguments: query))
                return page?.messages.map(\.id) == [recent.description]
            }
        }
    }
}
