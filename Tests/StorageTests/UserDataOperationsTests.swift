import Cluster
import ClusterIO
import Testing
@testable import Storage

@Suite("vCard, private XML and offline message operations")
struct UserDataOperationsTests {
    static let alice = "alice@example.com"

    func harness(_ limits: StorageLimits = StorageLimits()) throws -> StorageHarness {
        try StorageHarness(account: Self.alice, limits: limits)
    }

    @Test func vcardRoundTripsAndIsBounded() throws {
        var limits = StorageLimits()
        limits.vcardMaxBytes = 200
        let harness = try harness(limits)
        #expect(try harness.ok(.vcardGet, ["user": Self.alice])["xml"] == nil)
        try harness.ok(.vcardSet, ["user": Self.alice, "xml": "<vCard xmlns='vcard-temp'><FN>Alice</FN></vCard>"])
        #expect(try harness.ok(.vcardGet, ["user": Self.alice])["xml"] == .string("<vCard xmlns='vcard-temp'><FN>Alice</FN></vCard>"))
        let big = "<vCard xmlns='vcard-temp'><FN>\(String(repeating: "x", count: 300))</FN></vCard>"
        #expect(try harness.condition(.vcardSet, ["user": Self.alice, "xml": big]) == "not-acceptable")
        #expect(try harness.condition(.vcardSet, ["user": Self.alice, "xml": "<vCard/>"]) == "bad-request")
        #expect(try harness.condition(.vcardSet, ["user": Self.alice, "xml": "not xml"]) == "bad-request")
    }

    @Test func privateXMLIsPerNamespaceAndRefusesJabberNamespaces() throws {
        let harness = try harness()
        let bookmarks = "<storage xmlns='storage:bookmarks'><conference jid='room@muc.example.com'/></storage>"
        try harness.ok(.privateSet, ["user": Self.alice, "ns": "storage:bookmarks", "xml": bookmarks])
        #expect(try harness.ok(.privateGet, ["user": Self.alice, "ns": "storage:bookmarks"])["xml"]?.string?.contains("room@muc") == true)
        #expect(try harness.ok(.privateGet, ["user": Self.alice, "ns": "storage:other"])["xml"] == nil)
        #expect(try harness.condition(.privateSet, ["user": Self.alice, "ns": "jabber:iq:roster", "xml": "<query xmlns='jabber:iq:roster'/>"]) == "not-acceptable")
        #expect(try harness.condition(.privateGet, ["user": Self.alice, "ns": "jabber:client"]) == "not-acceptable")
        #expect(try harness.condition(.privateSet, ["user": Self.alice, "ns": "storage:x", "xml": bookmarks]) == "bad-request")
    }

    @Test func offlineMessagesComeBackInOrderOnceAndAreCapped() throws {
        var limits = StorageLimits()
        limits.offlineMaxMessages = 3
        let harness = try harness(limits)
        for index in 1...3 {
            harness.now += 1000
            try harness.ok(.offlineStore, ["user": Self.alice, "xml": "<message xmlns='jabber:client'><body>\(index)</body></message>"])
        }
        #expect(try harness.condition(.offlineStore, ["user": Self.alice, "xml": "<message xmlns='jabber:client'/>"]) == "service-unavailable")
        let messages = (try harness.ok(.offlineTake, ["user": Self.alice])["messages"]?.list ?? []).compactMap(OfflineMessage.init(storageValue:))
        #expect(messages.map(\.xml) == (1...3).map { "<message xmlns='jabber:client'><body>\($0)</body></message>" })
        #expect(messages.map(\.storedAtMilliseconds) == [1_700_000_001_000, 1_700_000_002_000, 1_700_000_003_000])
        #expect(try harness.ok(.offlineTake, ["user": Self.alice])["messages"] == .list([]))
        // After the take there is room again.
        try harness.ok(.offlineStore, ["user": Self.alice, "xml": "<message xmlns='jabber:client'/>"])
    }

    @Test func offlineForUnknownUsersOrNonMessagesIsRefused() throws {
        let harness = try harness()
        #expect(try harness.condition(.offlineStore, ["user": "ghost@example.com", "xml": "<message/>"]) == "service-unavailable")
        #expect(try harness.condition(.offlineStore, ["user": Self.alice, "xml": "<iq/>"]) == "bad-request")
        var limits = StorageLimits()
        limits.offlineMaxMessages = 0
        let disabled = try self.harness(limits)
        #expect(try disabled.condition(.offlineStore, ["user": Self.alice, "xml": "<message/>"]) == "service-unavailable")
    }
}
