import Cluster
import ClusterIO
import Testing
@testable import Storage

@Suite("roster.* operations and versioning (RFC 6121 §2, XEP-0237)")
struct RosterOperationsTests {
    static let alice = "alice@example.com"

    func harness() throws -> StorageHarness {
        let harness = try StorageHarness()
        try harness.createAccount(Self.alice)
        return harness
    }

    func set(_ harness: StorageHarness, _ xml: String) throws -> RosterPush {
        try #require(RosterPush(storageValue: .object(try harness.ok(.rosterSetItem, ["user": Self.alice, "xml": xml]))))
    }

    @Test func everyChangeBumpsTheVersion() throws {
        let harness = try harness()
        #expect(RosterSnapshot(result: try harness.ok(.rosterGet, ["user": Self.alice])) == RosterSnapshot(version: 0, items: []))
        let first = try set(harness, "<item xmlns='jabber:iq:roster' jid='Bob@Example.com' name='Bob'><group>Friends</group></item>")
        #expect(first.version == 1)
        #expect(first.item == RosterItemRecord(jid: "bob@example.com", name: "Bob", groups: ["Friends"]))
        let second = try set(harness, "<item xmlns='jabber:iq:roster' jid='carol@example.com'/>")
        #expect(second.version == 2)
        let removed = try #require(
            RosterPush(storageValue: .object(try harness.ok(.rosterRemoveItem, ["user": Self.alice, "contact": "bob@example.com"]))))
        #expect(removed.version == 3 && removed.removed && removed.item.name == "Bob")
        let snapshot = try #require(RosterSnapshot(result: try harness.ok(.rosterGet, ["user": Self.alice])))
        #expect(snapshot.version == 3)
        #expect(snapshot.items.map(\.jid) == ["carol@example.com"])
    }

    @Test func aClientSetKeepsTheSubscriptionFields() throws {
        let harness = try harness()
        try harness.createAccount("bob@example.com")
        try harness.ok(.subscriptionApply, ["user": Self.alice, "contact": "bob@example.com", "event": "subscribe"])
        let push = try set(harness, "<item xmlns='jabber:iq:roster' jid='bob@example.com' subscription='both' name='B'/>")
        #expect(push.item.subscription == .none && push.item.ask && push.item.name == "B")
    }

    @Test func badItemsAreRefused() throws {
        let harness = try harness()
        let cases: [(String, String)] = [
            ("<item xmlns='jabber:iq:roster'/>", "bad-request"),
            ("<item xmlns='jabber:iq:roster' jid='b@example.com/res'/>", "bad-request"),
            ("<item xmlns='jabber:iq:roster' jid='b@example.com'><group>G</group><group>G</group></item>", "bad-request"),
            ("<item xmlns='jabber:iq:roster' jid='b@example.com'><group></group></item>", "not-acceptable"),
            ("<item xmlns='jabber:iq:roster' jid='b@example.com' subscription='remove'/>", "bad-request"),
            ("<query xmlns='jabber:iq:roster'/>", "bad-request"),
            ("<item jid='b@example.com'", "bad-request"),
            ("<!DOCTYPE x><item/>", "bad-request"),
        ]
        for (xml, condition) in cases {
            #expect(try harness.condition(.rosterSetItem, ["user": Self.alice, "xml": xml]) == condition, "\(xml)")
        }
        #expect(try harness.condition(.rosterRemoveItem, ["user": Self.alice, "contact": "nobody@example.com"]) == "item-not-found")
        #expect(try harness.condition(.rosterGet, ["user": "ghost@example.com"]) == "item-not-found")
        #expect(try harness.ok(.rosterGet, ["user": Self.alice])["version"] == .int(0))
    }

    @Test func theCacheHoldsTheWholeRosterUnderOneKey() throws {
        let cache = RosterCache(keys: ClusterKeys(prefix: "t:"))
        let snapshot = RosterSnapshot(version: 7, items: [RosterItemRecord(jid: "bob@example.com", subscription: .both)])
        let commands = cache.commands(user: Self.alice, snapshot: snapshot)
        let rendered = commands.map { $0.map { "\($0)" } }
        #expect(rendered[0] == ["DEL", "t:roster:{alice@example.com}"])
        #expect(rendered[1] == [
            "HSET", "t:roster:{alice@example.com}", "@version", "7", "bob@example.com",
            #"{"jid":"bob@example.com","subscription":"both"}"#,
        ])
        #expect(cache.commands(user: Self.alice, snapshot: nil).count == 1)
        let fields = ["@version": "7", "bob@example.com": #"{"jid":"bob@example.com","subscription":"both"}"#]
        #expect(StorageClient.snapshot(cacheFields: fields) == snapshot)
        #expect(StorageClient.snapshot(cacheFields: ["bob@example.com": "{}"]) == nil)
    }
}
