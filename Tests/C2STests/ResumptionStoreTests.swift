import Cluster
import Foundation
import Logging
import Redis
import Testing
import TestSupport
import XMPPCore
@testable import Gateway

/// XEP-0198 state in a real redis-server: queueing before writing, the
/// acknowledgement rules, a resumption on another node taking over the old
/// node's undelivered stanzas, the old node's late writes, expiry, and the
/// record a sweeper leaves behind.
@Suite("Stream resumption state in Redis", .serialized)
struct ResumptionStoreTests {
    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    let old = NodeID("c2s-old")!
    let new = NodeID("c2s-new")!
    let jid = try! JID("bob@example.com/phone")

    func withStore(_ body: @escaping @Sendable (RedisClient, ClusterKeys, ResumptionStore) async throws -> Void) async throws {
        try await RedisServerFixture.with { server in
            let redis = RedisClient(
                configuration: RedisConfiguration(
                    host: server.host, port: server.port,
                    backoff: RedisBackoff(initial: .milliseconds(50), maximum: .milliseconds(300))),
                logger: Self.quiet)
            let keys = ClusterKeys(prefix: "test:\(UUID().uuidString.prefix(8)):")
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await redis.run() }
                for _ in 0..<200 where !redis.isConnected { try await Task.sleep(for: .milliseconds(10)) }
                try await body(redis, keys, ResumptionStore(redis: redis, keys: keys))
                group.cancelAll()
            }
        }
    }

    /// A session bound on `old` with stream management enabled.
    func managed(_ redis: RedisClient, _ keys: ClusterKeys, _ store: ResumptionStore, resumable: Bool = true) async throws
        -> ManagedSession
    {
        let managed = ManagedSession(jid: jid, id: "sm1", session: "stream-1", resumable: resumable, maxSeconds: 60)
        let registry = SessionRegistry(redis: redis, keys: keys, node: old)
        var record = SessionRecord(node: old.rawValue, session: "stream-1", available: true, presence: "<presence/>")
        record.resumption = managed.id
        _ = try await registry.bind(jid, record: record, maxResources: 5)
        try await store.create(managed, node: old)
        return managed
    }

    func delivery(_ redis: RedisClient, _ keys: ClusterKeys, _ body: String, to node: NodeID) async throws -> String {
        let message = XMLElement("message", namespace: XMPPNamespace.client, attributes: ["to": jid.description, "from": "alice@example.com/x"], children: [.element(XMLElement(name: "body", namespace: XMPPNamespace.client, children: [.text(body)]))])
        return try await redis.deliver(.stanza(to: jid.description, message), to: node, keys: keys)
    }

    func wire(_ body: String) -> String {
        "<message to='\(jid)' from='alice@example.com/x'><body>\(body)</body></message>"
    }

    @Test func acknowledgementsTrimTheQueueAndACountTooHighIsRefused() async throws {
        try await withStore { redis, keys, store in
            let managed = try await managed(redis, keys, store)
            let id = try await delivery(redis, keys, "one", to: old)
            let outcome = try await store.append(managed, node: old, items: [(id, wire("one")), (nil, "<iq type='result' id='x'/>")])
            #expect(outcome == .appended([0, 1]))
            // Queued stanzas leave the delivery stream in the same step.
            #expect(try await redis.send(["XLEN", keys.deliveries(old)]).int == 0)
            #expect(try await store.acknowledge(managed, handled: 3) == .tooHigh(sendCount: 2))
            #expect(try await store.acknowledge(managed, handled: 1) == .acknowledged)
            #expect(try await redis.send(["LRANGE", managed.queueKey(keys), 0, -1]).array?.compactMap(\.string) == ["<iq type='result' id='x'/>"])
            #expect(try await store.acknowledge(managed, handled: 2) == .acknowledged)
            #expect(try await redis.send(["LLEN", managed.queueKey(keys)]).int == 0)
        }
    }

    @Test func resumingElsewhereTakesTheUnacknowledgedAndTheUndeliveredInOrder() async throws {
        try await withStore { redis, keys, store in
            let managed = try await managed(redis, keys, store)
            _ = try await redis.send(["SET", keys.node(old), "alive"])
            let first = try await delivery(redis, keys, "one", to: old)
            _ = try await store.append(managed, node: old, items: [(first, wire("one")), (nil, wire("two"))])
            _ = try await redis.pipeline([store.saveInboundCommand(managed, handled: 5)])
            // Routed to the old node, never written there.
            let pending = try await delivery(redis, keys, "three", to: old)
            let other = try await redis.deliver(.stanza(to: "carol@example.com/r", XMLElement("message", namespace: XMPPNamespace.client, attributes: [:])), to: old, keys: keys)

            // The client saw "one" (h = 1).
            let outcome = try await store.resume(jid: jid, id: "sm1", handled: 1, session: "stream-2", node: new, maxSeconds: 60)
            guard case .resumed(let resumed) = outcome else { Issue.record("not resumed: \(outcome)"); return }
            #expect(resumed.handledInbound == 5)
            #expect(resumed.backlog == [wire("two"), wire("three")])
            #expect(resumed.restored == false)
            #expect(resumed.previousSession == "stream-1" && resumed.previousNode == old.rawValue)
            #expect(resumed.record.node == new.rawValue && resumed.record.session == "stream-2" && resumed.record.available)

            // The registry and node indexes name the new stream.
            let registry = try await SessionRegistry(redis: redis, keys: keys, node: new).sessions(of: jid.bare)
            #expect(registry["phone"]?.session == "stream-2")
            #expect(try await redis.send(["SISMEMBER", keys.nodeSessions(new), jid.description]).int == 1)
            #expect(try await redis.send(["SISMEMBER", keys.nodeSessions(old), jid.description]).int == 0)

            // The old node's stream keeps only others' deliveries, plus a close for the old stream.
            let left = (try await redis.send(["XRANGE", keys.deliveries(old), "-", "+"]).array ?? []).compactMap(RedisStreamEntry.init(reply:))
            #expect(left.map(\.id).contains(other))
            #expect(!left.map(\.id).contains(pending))
            #expect(left.contains { $0["kind"] == "close" && $0["session"] == "stream-1" && $0["condition"] == "conflict" })

            // The old node, late, writes what it had read already: the stolen
            // delivery is skipped; one routed to it meanwhile is forwarded.
            let late = try await delivery(redis, keys, "four", to: old)
            #expect(try await store.append(managed, node: old, items: [(pending, wire("three")), (late, wire("four"))]) == .moved)
            let forwarded = (try await redis.send(["XRANGE", keys.deliveries(new), "-", "+"]).array ?? []).compactMap(RedisStreamEntry.init(reply:))
            #expect(forwarded.map { $0["stanza"] } == [wire("four")])

            // The new stream counts on: 3 sent so far (one, two, three), 1 acknowledged.
            let current = ManagedSession(jid: jid, id: "sm1", session: "stream-2", resumable: true, maxSeconds: 60)
            #expect(try await store.acknowledge(current, handled: 4) == .tooHigh(sendCount: 3))
            #expect(try await store.acknowledge(current, handled: 3) == .acknowledged)
            #expect(try await store.acknowledge(managed, handled: 3) == .moved)
            #expect(try await store.detach(managed, handled: 0, resumable: true) == .moved)
        }
    }

    @Test func unknownTakenAndTooHighResumptionsAreRefused() async throws {
        try await withStore { redis, keys, store in
            let managed = try await managed(redis, keys, store)
            _ = try await store.append(managed, node: old, items: [(nil, wire("one"))])
            if case .notFound = try await store.resume(jid: jid, id: "nope", handled: 0, session: "s", node: new, maxSeconds: 60) {} else {
                Issue.record("an unknown id resumed")
            }
            let outcome = try await store.resume(jid: jid, id: "sm1", handled: 2, session: "s", node: new, maxSeconds: 60)
            guard case .tooHigh(let sent, _) = outcome else { Issue.record("h too high resumed: \(outcome)"); return }
            #expect(sent == 1)
            // A new session took the resource: the old one cannot come back.
            _ = try await SessionRegistry(redis: redis, keys: keys, node: new)
                .bind(jid, record: SessionRecord(node: new.rawValue, session: "newcomer"), maxResources: 5)
            if case .notFound = try await store.resume(jid: jid, id: "sm1", handled: 0, session: "s", node: new, maxSeconds: 60) {} else {
                Issue.record("resumed over a newer session")
            }
        }
    }

    @Test func aDetachedSessionExpiresWithItsQueueAndCannotBeResumedAfter() async throws {
        try await withStore { redis, keys, store in
            let managed = try await managed(redis, keys, store, resumable: false)
            _ = try await store.append(managed, node: old, items: [(nil, wire("one")), (nil, wire("two"))])
            #expect(try await store.takeExpired(limit: 10).isEmpty)
            #expect(try await store.detach(managed, handled: 0, resumable: false) == .detached)
            let expired = try await store.takeExpired(limit: 10)
            #expect(expired.count == 1)
            #expect(expired.first?.unacknowledged == [wire("one"), wire("two")])
            #expect(expired.first?.session == "stream-1")
            // Taken once, then leased: another router does not take it too.
            #expect(try await store.takeExpired(limit: 10).isEmpty)
            if case .notFound = try await store.resume(jid: jid, id: "sm1", handled: 0, session: "s", node: new, maxSeconds: 60) {} else {
                Issue.record("an expiring session resumed")
            }
            #expect(try await store.append(managed, node: old, items: [(nil, wire("three"))]) == .gone)
            try await store.finishExpiry(expired[0])
            #expect(try await redis.send(["EXISTS", managed.stateKey(keys), managed.queueKey(keys)]).int == 0)
            #expect(try await redis.send(["ZCARD", keys.resumptionDeadlines]).int == 0)
        }
    }

    @Test func aSweptSessionIsRestoredUnavailableFromTheRecordTheSweeperLeft() async throws {
        try await withStore { redis, keys, store in
            let managed = try await managed(redis, keys, store)
            let registry = try await SessionRegistry(redis: redis, keys: keys, node: old).sessions(of: jid.bare)
            let record = try #require(registry["phone"])
            // What the sweeper does for a resumable session of a dead node.
            _ = try await redis.send(["HDEL", keys.sessions(bare: jid.bare.description), "phone"])
            _ = try await redis.send(["HSET", managed.stateKey(keys), "record", record.encoded()])
            let outcome = try await store.resume(jid: jid, id: "sm1", handled: 0, session: "stream-2", node: new, maxSeconds: 60)
            guard case .resumed(let resumed) = outcome else { Issue.record("not resumed: \(outcome)"); return }
            #expect(resumed.restored)
            #expect(resumed.record.available == false)
            #expect(resumed.record.presence == "<presence/>")
            #expect(resumed.record.resumption == "sm1")
            #expect(resumed.record.since == record.since)
        }
    }
}
