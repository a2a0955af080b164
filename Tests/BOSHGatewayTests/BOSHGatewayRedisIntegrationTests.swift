import Cluster
import Foundation
import Gateway
import Logging
import NIOCore
import NIOPosix
import Redis
import ServiceLifecycle
import ServiceLifecycleTestKit
import Synchronization
import Testing
import TestSupport
import XMPPCore
@testable import BOSHGateway

/// The gateway against a real redis-server: HTTP on a real port, `bosh:{sid}`
/// in Redis, SASL + binding in the session registry, a delivery through
/// `deliver:{node}` answering a held request, client terminate, and SIGTERM's
/// `system-shutdown`.
@Suite("BOSH gateway with a real Redis", .serialized)
struct BOSHGatewayRedisIntegrationTests {
    @Test func sessionLifecycleThroughRedis() async throws {
        try await RedisServerFixture.with { server in
            let redis = RedisClient(
                configuration: RedisConfiguration(
                    host: server.host, port: server.port,
                    backoff: RedisBackoff(initial: .milliseconds(50), maximum: .milliseconds(300))),
                logger: BOSHTest.quiet)
            let keys = ClusterKeys(prefix: "test:\(UUID().uuidString.prefix(8)):")
            let local = LocalSessions()
            let sessions = BOSHTest.sessions(redis: redis, keys: keys, local: local)
            let deliveries = DeliveryConsumer(
                redis: redis, keys: keys, node: BOSHTest.node, sessions: local, routes: sessions.settings.environment.routes,
                logger: BOSHTest.quiet)
            let port = Mutex<Int?>(nil)
            let gateway = BOSHServer(
                settings: BOSHTest.settings(), sessions: sessions, webSockets: BOSHTest.webSockets(for: sessions),
                logger: BOSHTest.quiet
            ) { address in
                port.withLock { $0 = address?.port }
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await redis.run() }
                try await waitFor { redis.isConnected }
                try await testGracefulShutdown { trigger in
                    group.addTask { try await deliveries.run() }
                    group.addTask { try await gateway.run() }
                    try await waitFor { port.withLock { $0 } != nil }
                    let client = BOSHHTTPClient(port: port.withLock { $0 }!)
                    try await exercise(client, redis: redis, keys: keys)
                    try await shutdown(client, redis: redis, keys: keys, trigger: trigger)
                }
                group.cancelAll()
            }
        }
    }

    private func exercise(_ client: BOSHHTTPClient, redis: RedisClient, keys: ClusterKeys) async throws {
        let created = try await client.post(BOSHTest.creation)
        let sid = try #require(BOSHTest.sid(in: created))
        #expect(created.contains("<mechanism>PLAIN</mechanism>"))
        #expect(try await redis.send(["GET", keys.boshSession(sid: sid)]).string == BOSHTest.node.rawValue)
        #expect((try await redis.send(["PTTL", keys.boshSession(sid: sid)]).int ?? 0) > 0)

        let success = try await client.post(BOSHTest.body("rid='1001' sid='\(sid)'",
            "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGp1bGlldAByMG1lbw==</auth>"))
        #expect(success.contains("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'"))
        let restarted = try await client.post(BOSHTest.body("rid='1002' sid='\(sid)' to='example.com' xmpp:restart='true'"))
        #expect(restarted.contains("<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"))
        let bound = try await client.post(BOSHTest.body("rid='1003' sid='\(sid)'",
            "<iq xmlns='jabber:client' type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>web</resource></bind></iq>"))
        #expect(bound.contains("<jid>juliet@example.com/web</jid>"))
        let registered = try await redis.send(["HGET", keys.sessions(bare: "juliet@example.com"), "web"]).string
        #expect(registered?.contains("\"node\":\"bosh-test-1\"") == true)

        // A held request is answered as soon as a delivery for the session arrives.
        async let held = client.post(BOSHTest.body("rid='1004' sid='\(sid)'"))
        try await Task.sleep(for: .milliseconds(200))
        let message = XMLElement("message", namespace: "jabber:client", attributes: ["from": "romeo@example.com/a", "to": "juliet@example.com/web", "id": "m1"],
            children: [.element(XMLElement(name: "body", namespace: "jabber:client", children: [.text("hi")]))])
        try await redis.deliver(.stanza(to: "juliet@example.com/web", message), to: BOSHTest.node, keys: keys)
        #expect(try await held.contains("<message xmlns='jabber:client' from='romeo@example.com/a' to='juliet@example.com/web' id='m1'><body>hi</body></message>"))

        // The client ends the session: its key and its registry entry go.
        let ended = try await client.post(BOSHTest.body("rid='1005' sid='\(sid)' type='terminate'"))
        #expect(ended == "<body xmlns='http://jabber.org/protocol/httpbind' type='terminate'/>")
        try await waitFor { try await redis.send(["EXISTS", keys.boshSession(sid: sid)]).int == 0 }
        try await waitFor { try await redis.send(["HEXISTS", keys.sessions(bare: "juliet@example.com"), "web"]).int == 0 }
    }

    private func shutdown(_ client: BOSHHTTPClient, redis: RedisClient, keys: ClusterKeys, trigger: GracefulShutdownTestTrigger) async throws {
        let sid = try #require(BOSHTest.sid(in: try await client.post(BOSHTest.creation)))
        async let held = client.post(BOSHTest.body("rid='1001' sid='\(sid)'"))
        try await Task.sleep(for: .milliseconds(200))
        trigger.triggerGracefulShutdown()
        #expect(try await held == "<body xmlns='http://jabber.org/protocol/httpbind' type='terminate' condition='system-shutdown'/>")
        try await waitFor { try await redis.send(["EXISTS", keys.boshSession(sid: sid)]).int == 0 }
    }
}

/// POSTs one body per connection (`Connection: close`) and returns the response body.
struct BOSHHTTPClient {
    let port: Int

    func post(_ body: String) async throws -> String {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        let raw = try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: BOSHTest.request(body: body, headers: ["Connection: close"])))
            var received = ByteBuffer()
            for try await chunk in inbound { received.writeImmutableBuffer(chunk) }
            return String(buffer: received)
        }
        return bodyOf(raw)
    }
}
