import Cluster
import ClusterIO
import Foundation
import Redis
import Router
@testable import Storage
import Testing
import TestSupport
import XMPPCore
import XMPPStream

/// The block list cache routers read (`blocklist:{bare}`, `blocklist:ready`):
/// written by storage before it replies, rebuilt after Redis lost it, read by
/// the router's `ClusterRoutingContext` with the sessions in one pipeline.
@Suite("Block list cache against a real redis-server", .serialized)
struct BlockListCacheTests {
    static let alice = "alice@example.com"

    func cached(_ stack: StorageStack, _ user: String = alice) async throws -> Set<String> {
        Set((try await stack.redis.send("SMEMBERS", stack.keys.blockList(bare: user)).array ?? []).compactMap(\.string))
    }

    func exists(_ stack: StorageStack, _ key: String) async throws -> Bool {
        try await stack.redis.send("EXISTS", key).int == 1
    }

    @Test func changesReachTheCacheBeforeTheReply() async throws {
        try await StorageStack.with { stack in
            let client = stack.client
            try await client.createAccount(user: Self.alice, credentials: try SCRAMCredentials.deriveAll(password: "p", iterations: 4096))
            #expect(try await exists(stack, stack.keys.blockListsReady))
            #expect(try await client.blockList(user: Self.alice) == [])

            let change = try await client.block(user: Self.alice, jids: ["Romeo@Montague.net", "example.org"])
            #expect(change.changed == ["romeo@montague.net", "example.org"])
            #expect(try await cached(stack) == ["romeo@montague.net", "example.org"])
            #expect(try await client.blockList(user: Self.alice) == ["example.org", "romeo@montague.net"])

            _ = try await client.unblock(user: Self.alice, jids: ["example.org"])
            #expect(try await cached(stack) == ["romeo@montague.net"])
            // An empty list has no key at all: the readiness key says what absence means.
            _ = try await client.unblock(user: Self.alice, jids: [])
            #expect(try await !exists(stack, stack.keys.blockList(bare: Self.alice)))

            _ = try await client.block(user: Self.alice, jids: ["iago@shakespeare.lit"])
            try await client.deleteAccount(user: Self.alice)
            #expect(try await !exists(stack, stack.keys.blockList(bare: Self.alice)))
        }
    }

    @Test func overTheBoundTheClientSeesPolicyViolation() async throws {
        try await StorageStack.with(storage: false) { stack in
            var limits = StorageLimits()
            limits.blockListMaxItems = 1
            try stack.startStorage(limits: limits)
            try await stack.client.createAccount(
                user: Self.alice, credentials: try SCRAMCredentials.deriveAll(password: "p", iterations: 4096))
            _ = try await stack.client.block(user: Self.alice, jids: ["a@example.org"])
            do {
                _ = try await stack.client.block(user: Self.alice, jids: ["b@example.org"])
                Issue.record("a block over the bound was accepted")
            } catch let error as StorageClientError {
                #expect(error.stanzaError.condition == .policyViolation && error.stanzaError.type == .modify)
            }
            #expect(try await cached(stack) == ["a@example.org"])
        }
    }

    @Test func aLostCacheIsRebuiltWhenStorageReconnects() async throws {
        try await StorageStack.with { stack in
            let client = stack.client
            try await client.createAccount(user: Self.alice, credentials: try SCRAMCredentials.deriveAll(password: "p", iterations: 4096))
            _ = try await client.block(user: Self.alice, jids: ["romeo@montague.net"])
            await stack.stopStorage()
            _ = try await stack.redis.send("DEL", stack.keys.blockList(bare: Self.alice), stack.keys.blockListsReady)
            try stack.startStorage()
            try await waitUntil("blocklist:ready") { try await exists(stack, stack.keys.blockListsReady) }
            #expect(try await cached(stack) == ["romeo@montague.net"])
        }
    }

    func routing(_ stack: StorageStack) -> ClusterRoutingContext {
        ClusterRoutingContext(
            domains: ["example.com"], redis: stack.redis, keys: stack.keys, node: NodeID("router-test")!, storage: stack.client)
    }

    @Test func routersReadListsWithSessionsAndAskStorageWhileTheCacheIsNotReady() async throws {
        try await StorageStack.with { stack in
            let client = stack.client
            try await client.createAccount(user: Self.alice, credentials: try SCRAMCredentials.deriveAll(password: "p", iterations: 4096))
            _ = try await client.block(user: Self.alice, jids: ["romeo@montague.net"])
            let alice = try JID(Self.alice), bob = try JID("bob@example.com")
            let record = #"{"available":true,"interested":false,"node":"c2s-1","priority":0,"session":"s","since":1}"#
            _ = try await stack.redis.send("HSET", stack.keys.sessions(bare: Self.alice), "home", record)
            let context = routing(stack)

            let reads = try await context.read(sessionsOf: [alice], blockListsOf: [alice, bob])
            #expect(reads.sessions[alice]?["home"]?.node == "c2s-1")
            #expect(reads.blockLists == [alice: BlockList(normalized: ["romeo@montague.net"]), bob: .empty])

            // Without blocklist:ready an absent set proves nothing: storage is asked.
            _ = try await stack.redis.send("DEL", stack.keys.blockListsReady, stack.keys.blockList(bare: Self.alice))
            #expect(try await context.blockList(of: alice) == BlockList(normalized: ["romeo@montague.net"]))
            #expect(try await context.blockList(of: bob) == .empty)
        }
    }

    @Test func withNeitherCacheNorStorageAListReadsAsEmptyAndRoutingGoesOn() async throws {
        try await StorageStack.with(timeout: .milliseconds(300), storage: false) { stack in
            let context = ClusterRoutingContext(
                domains: ["example.com"], redis: stack.redis, keys: stack.keys, node: NodeID("router-test")!,
                storage: stack.client, blockListFallbackPause: .seconds(1))
            let users = [try JID(Self.alice), try JID("bob@example.com")]
            let queued = { () async throws -> [String] in
                (try await stack.redis.send("XRANGE", stack.keys.storageRequests, "-", "+").array ?? []).compactMap {
                    $0.array?.first?.string
                }
            }
            let reads = try await context.read(sessionsOf: [], blockListsOf: users)
            #expect(reads.blockLists.values.allSatisfy(\.isEmpty) && reads.blockLists.count == 2)
            // Asked side by side: the second request was queued before the
            // first one's 300 ms had run out (stream ids carry Redis's clock).
            let asked = try await queued()
            #expect(asked.count == 2)
            let queuedAt = asked.compactMap { $0.split(separator: "-").first.flatMap { Int($0) } }
            #expect(queuedAt.count == 2 && queuedAt[1] - queuedAt[0] < 300)
            // Then storage is left alone for the pause: no batch waits on it.
            let pauseEnds = ContinuousClock.now + .milliseconds(1100)
            #expect(try await context.blockList(of: users[0]) == .empty)
            #expect(try await queued() == asked)
            // After the pause storage is asked again (its cache still not ready).
            try stack.startStorage()
            try await stack.client.createAccount(
                user: Self.alice, credentials: try SCRAMCredentials.deriveAll(password: "p", iterations: 4096))
            _ = try await stack.client.block(user: Self.alice, jids: ["romeo@montague.net"])
            _ = try await stack.redis.send("DEL", stack.keys.blockListsReady)
            try await Task.sleep(until: pauseEnds)
            #expect(try await context.blockList(of: users[0]) == BlockList(normalized: ["romeo@montague.net"]))
        }
    }
}
