import Cluster
import Gateway
import Logging
import Redis
@testable import Router
import Testing
import TestSupport
import XMPPCore

/// The router's account cache against a real redis-server: keyspace
/// notifications turned on by the router itself, a session that moved or ended
/// never served once its notification arrived, and nothing served while the
/// subscription is down.
@Suite("Router account cache against a real redis-server", .serialized)
struct AccountCacheInvalidationTests {
    let phone = try! JID("alice@example.com/phone")
    var alice: JID { phone.bare }

    func nodes(_ context: ClusterRoutingContext) async throws -> [String: String] {
        (try await context.read(sessionsOf: [alice], blockListsOf: []).sessions[alice] ?? [:]).mapValues(\.node)
    }

    /// A Redis-only stack with the invalidation running, once its probe proved
    /// the notifications, and a routing context reading through the cache.
    func withListeningCache(
        _ body: (StorageStack, AccountCache, ClusterRoutingContext) async throws -> Void
    ) async throws {
        try await StorageStack.with(storage: false) { stack in
            let cache = AccountCache()
            let invalidation = AccountCacheInvalidation(
                redis: stack.redis, keys: stack.keys, cache: cache, node: NodeID("router-test")!, logger: StorageStack.logger)
            let listening = Task { try await invalidation.run() }
            defer { listening.cancel() }
            try await waitUntil("the probe proved the notifications") { cache.isEnabled }
            let context = ClusterRoutingContext(
                domains: ["example.com"], redis: stack.redis, keys: stack.keys, node: NodeID("router-test")!,
                storage: stack.client, cache: cache)
            try await body(stack, cache, context)
        }
    }

    @Test func aSessionThatMovedOrEndedIsNeverServedAfterItsNotification() async throws {
        try await withListeningCache { stack, cache, context in
            let events = try await stack.redis.send("CONFIG", "GET", "notify-keyspace-events").array?[1].string ?? ""
            #expect(Set("Khs$gxe").isSubset(of: Set(events)) || events.contains("A"))

            let onA = SessionRegistry(redis: stack.redis, keys: stack.keys, node: NodeID("c2s-a")!)
            let onB = SessionRegistry(redis: stack.redis, keys: stack.keys, node: NodeID("c2s-b")!)

            _ = try await onA.bind(phone, record: SessionRecord(node: "c2s-a", session: "s1", available: true), maxResources: 10)
            #expect(try await nodes(context) == ["phone": "c2s-a"])
            // Kept once a read did not cross the bind's own notification.
            try await waitUntil("alice is kept") {
                _ = try await nodes(context)
                return cache.counts.sessions == 1
            }
            #expect(try await nodes(context) == ["phone": "c2s-a"])  // served from the cache

            // The session moves: the same full JID binds on another node.
            _ = try await onB.bind(phone, record: SessionRecord(node: "c2s-b", session: "s2", available: true), maxResources: 10)
            try await waitUntil("the move is seen") { try await nodes(context) == ["phone": "c2s-b"] }
            for _ in 0..<50 { #expect(try await nodes(context) == ["phone": "c2s-b"]) }

            // The session ends.
            try await onB.unbind(phone, session: "s2")
            try await waitUntil("the end is seen") { try await nodes(context).isEmpty }
            for _ in 0..<50 { #expect(try await nodes(context).isEmpty) }

            // A write by anyone else (a script, a sweeper, redis-cli) counts too.
            _ = try await onA.bind(phone, record: SessionRecord(node: "c2s-a", session: "s3", available: true), maxResources: 10)
            try await waitUntil("the new session is seen") { try await nodes(context) == ["phone": "c2s-a"] }
            _ = try await stack.redis.send("DEL", stack.keys.sessions(bare: alice.description))
            try await waitUntil("the deletion is seen") { try await nodes(context).isEmpty }
        }
    }

    @Test func nothingIsServedWhileTheSubscriptionIsDown() async throws {
        try await withListeningCache { stack, cache, context in
            _ = try await SessionRegistry(redis: stack.redis, keys: stack.keys, node: NodeID("c2s-a")!)
                .bind(phone, record: SessionRecord(node: "c2s-a", session: "s1", available: true), maxResources: 10)
            try await waitUntil("alice is kept") {
                _ = try await context.read(sessionsOf: [alice], blockListsOf: [])
                return cache.counts.sessions == 1
            }

            // Redis drops the subscriber: the cache forgets and stays off until
            // a new subscription passed its probe.
            _ = try await stack.redis.send("CLIENT", "KILL", "TYPE", "pubsub")
            try await waitUntil("the cache is off") { !cache.isEnabled }
            #expect(cache.counts.sessions == 0)
            try await waitUntil("the cache is on again") { cache.isEnabled }
        }
    }

    @Test func withoutKeyspaceNotificationsTheCacheStaysOff() async throws {
        // CONFIG is renamed away, as on managed Redis services: the router cannot
        // turn notifications on, its probe hears nothing, and it reads every time.
        try await RedisServerFixture.with(arguments: ["--rename-command", "CONFIG", ""]) { server in
            let redis = StorageStack.redisClient(server)
            let running = Task { try await redis.run() }
            defer { running.cancel() }
            try await waitUntil("redis is connected") { redis.isConnected }
            let cache = AccountCache()
            let invalidation = AccountCacheInvalidation(
                redis: redis, keys: ClusterKeys(prefix: "t:"), cache: cache, node: NodeID("router-test")!,
                logger: StorageStack.logger, probeTimeout: .milliseconds(300), retryInterval: .seconds(60))
            let listening = Task { await invalidation.listenOnce() }
            #expect(await listening.value == false)
            #expect(!cache.isEnabled)
        }
    }
}
