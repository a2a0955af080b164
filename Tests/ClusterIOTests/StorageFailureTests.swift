import Cluster
import ClusterIO
import Foundation
import Redis
import Testing
import TestSupport
import XMPPCore
import XMPPStream
@testable import Storage

@Suite("Storage requests when storage or Redis is away", .serialized)
struct StorageFailureTests {
    static let alice = "alice@example.com"

    @Test func aRequestTimesOutWhenStorageIsNotRunning() async throws {
        try await StorageStack.with(timeout: .milliseconds(400), storage: false) { stack in
            let started = ContinuousClock.now
            do {
                _ = try await stack.client.listAccounts()
                Issue.record("a request without storage succeeded")
            } catch let error as StorageClientError {
                #expect(error == .timeout(.accountList))
                #expect(error.isTemporary)
                #expect(error.stanzaError.condition == .resourceConstraint && error.stanzaError.type == .wait)
            }
            // Not before the timeout (how long after it depends on the machine's load).
            #expect(ContinuousClock.now - started >= .milliseconds(400))
            // The request is still in the stream for storage to find.
            #expect(try await stack.redis.send("XLEN", stack.keys.storageRequests).int == 1)
        }
    }

    // `unavailable`, not `timeout`: the client did not wait for an answer.
    @Test(.timeLimit(.minutes(1))) func redisDownFailsAtOnce() async throws {
        try await StorageStack.with(timeout: .seconds(5), storage: false) { stack in
            stack.server.kill()
            try await waitUntil("client notices") { !stack.redis.isConnected }
            await #expect(throws: StorageClientError.self) { try await stack.client.listAccounts() }
            do {
                _ = try await stack.client.listAccounts()
            } catch let error as StorageClientError {
                guard case .unavailable = error else { Issue.record("expected unavailable, got \(error)"); return }
                #expect(error.stanzaError.type == .wait)
            }
        }
    }

    @Test func aClientThatIsNotRunningFailsAtOnce() async throws {
        try await RedisServerFixture.with { server in
            let client = StorageClient(
                redis: StorageStack.redisClient(server), keys: ClusterKeys(prefix: "t:"), nodeID: NodeID("c2s-x")!,
                timeout: .seconds(5), logger: StorageStack.logger)
            await #expect(throws: StorageClientError.notRunning) { try await client.listAccounts() }
        }
    }

    @Test func requestsSentWhileStorageIsDownAreAnsweredWhenItStarts() async throws {
        try await StorageStack.with(timeout: .seconds(15), storage: false) { stack in
            let client = stack.client
            let credentials = try SCRAMCredentials.deriveAll(password: "p", iterations: 4096)
            let create = Task { try await client.createAccount(user: Self.alice, credentials: credentials) }
            try await waitUntil("request queued") {
                try await stack.redis.send("XLEN", stack.keys.storageRequests).int == 1
            }
            try await Task.sleep(for: .milliseconds(300))
            try stack.startStorage()
            #expect(try await create.value)
            #expect(try await client.listAccounts() == [Self.alice])
        }
    }

    @Test func lateRepliesAreDroppedAndTheMutationStillLands() async throws {
        try await StorageStack.with(timeout: .milliseconds(300), storage: false) { stack in
            let client = stack.client
            let credentials = try SCRAMCredentials.deriveAll(password: "p", iterations: 4096)
            await #expect(throws: StorageClientError.timeout(.accountCreate)) {
                try await client.createAccount(user: Self.alice, credentials: credentials)
            }
            try stack.startStorage()
            // The late reply is popped and dropped; the account exists.
            try await waitUntil("late reply consumed") {
                let queued = try await stack.redis.send("XLEN", stack.keys.storageRequests).int
                let unread = try await stack.redis.send("LLEN", client.replyList).int
                return queued == 0 && unread == 0
            }
            #expect(try await client.listAccounts() == [Self.alice])
        }
    }

    /// Storage read entries, applied one, and died before replying: the new
    /// incarnation (another consumer name) claims both, answers both, and the
    /// applied one is not applied twice.
    @Test func pendingEntriesOfACrashedStorageAreReclaimed() async throws {
        try await StorageStack.with(timeout: .seconds(15), storage: false) { stack in
            let client = stack.client
            let credentials = try SCRAMCredentials.deriveAll(password: "p", iterations: 4096)
            _ = try await stack.redis.send("XGROUP", "CREATE", stack.keys.storageRequests, ClusterKeys.storageGroup, "0", "MKSTREAM")
            let create = Task { try await client.createAccount(user: Self.alice, credentials: credentials) }
            let message = try XMLElement(parsing: "<message xmlns='jabber:client'><body>once</body></message>")
            try await waitUntil("request queued") { try await stack.redis.send("XLEN", stack.keys.storageRequests).int == 1 }
            let store = Task { try await client.storeOffline(user: Self.alice, message: message) }
            try await waitUntil("requests queued") { try await stack.redis.send("XLEN", stack.keys.storageRequests).int == 2 }

            // The dead incarnation: read both, apply both, reply to none.
            let read = try await stack.redis.xreadgroup(
                group: ClusterKeys.storageGroup, consumer: "storage-dead",
                streams: [(stack.keys.storageRequests, ">")], count: 10)
            let requests = try read.flatMap(\.entries).map { try StorageRequest(fields: $0.fields) }
            #expect(requests.map(\.operation) == [.accountCreate, .offlineStore])
            let database = try StorageDatabase.open(path: stack.databasePath)
            _ = try await database.write { db in try RequestExecutor().execute(requests, now: 1, in: db) }
            try database.close()
            #expect(try await stack.redis.send("XPENDING", stack.keys.storageRequests, ClusterKeys.storageGroup).array?.first?.int == 2)

            try stack.startStorage(consumer: "storage-2")
            #expect(try await create.value)
            try await store.value
            #expect(try await client.takeOffline(user: Self.alice).count == 1)
            #expect(try await stack.redis.send("XPENDING", stack.keys.storageRequests, ClusterKeys.storageGroup).array?.first?.int == 0)
        }
    }
}
