import Gateway
import Redis
import Testing
import XMPPCore

/// A gateway reads its deliveries in wire form: the stanza text a router
/// queued is what the client receives, byte for byte.
@Suite struct WireDeliveryTests {
    @Test func aStanzaEntryKeepsTheRouterSerialization() throws {
        let message = XMLElement(
            "message", namespace: XMPPNamespace.client,
            attributes: ["to": "juliet@example.com/balcony", "from": "romeo@example.com/orchard", "type": "chat"],
            children: [.element(XMLElement(name: "body", namespace: XMPPNamespace.client, children: [.text("a < b & 'c'")]))])
        let queued = Delivery.stanza(to: "juliet@example.com/balcony", message)
        let entry = RedisStreamEntry(id: "1-0", fields: queued.fields)
        let read = try #require(WireDelivery(entry: entry))
        #expect(read == .stanza(to: "juliet@example.com/balcony", wire: message.serialized(in: .clientStream)))
        #expect(read.to == "juliet@example.com/balcony")
    }

    @Test func aCloseEntryNamesTheSessionAndCondition() throws {
        let queued = Delivery.close(to: "juliet@example.com/balcony", session: "abc", condition: .conflict)
        let read = try #require(WireDelivery(entry: RedisStreamEntry(id: "1-0", fields: queued.fields)))
        #expect(read == .close(to: "juliet@example.com/balcony", session: "abc", condition: .conflict))
    }

    @Test func malformedEntriesAreRefused() {
        #expect(WireDelivery(entry: RedisStreamEntry(id: "1-0", fields: [("kind", "stanza"), ("to", "a@b/c")])) == nil)
        #expect(WireDelivery(entry: RedisStreamEntry(id: "1-0", fields: [("kind", "stanza"), ("stanza", "<message/>")])) == nil)
        #expect(WireDelivery(entry: RedisStreamEntry(id: "1-0", fields: [("kind", "teleport"), ("to", "a@b/c")])) == nil)
        #expect(WireDelivery(entry: RedisStreamEntry(id: "1-0", fields: [
            ("kind", "close"), ("to", "a@b/c"), ("session", "s"), ("condition", "no-such-condition"),
        ])) == nil)
    }
}
