import Cluster
import ClusterIO
import Testing
@testable import Storage

@Suite("Block list operations (XEP-0191)")
struct BlockListOperationsTests {
    static let alice = "alice@example.com"

    func items(_ jids: String...) -> String { BlockListChange.itemsArgument(jids) }

    func change(_ result: [String: StorageValue]) throws -> BlockListChange {
        try #require(BlockListChange(result: result))
    }

    func list(_ harness: StorageHarness) throws -> [String] {
        try harness.ok(.blockListGet, ["user": Self.alice])["items"]?.list?.compactMap(\.string) ?? []
    }

    @Test func blocksNormalisedJIDsOfEveryFormOnceAndSorted() throws {
        let harness = try StorageHarness(account: Self.alice)
        #expect(try list(harness) == [])
        let first = try change(harness.ok(.blockListBlock, [
            "user": Self.alice, "items": items("Romeo@Montague.NET", "example.org/spam", "iago@shakespeare.lit/Phone", "montague.net"),
        ]))
        #expect(first.changed == ["romeo@montague.net", "example.org/spam", "iago@shakespeare.lit/Phone", "montague.net"])
        #expect(first.items == ["example.org/spam", "iago@shakespeare.lit/Phone", "montague.net", "romeo@montague.net"])
        // Blocking what is blocked already adds nothing and is no error.
        let again = try change(harness.ok(.blockListBlock, ["user": Self.alice, "items": items("romeo@montague.net", "romeo@montague.net", "tybalt@capulet.lit")]))
        #expect(again.changed == ["tybalt@capulet.lit"])
        #expect(try list(harness) == ["example.org/spam", "iago@shakespeare.lit/Phone", "montague.net", "romeo@montague.net", "tybalt@capulet.lit"])
    }

    @Test func unblocksSomeOrEverything() throws {
        let harness = try StorageHarness(account: Self.alice)
        try harness.ok(.blockListBlock, ["user": Self.alice, "items": items("a@example.org", "b@example.org", "example.net")])
        let some = try change(harness.ok(.blockListUnblock, ["user": Self.alice, "items": items("A@example.org", "nobody@example.org")]))
        #expect(some.changed == ["a@example.org"])
        #expect(some.items == ["b@example.org", "example.net"])
        // XEP-0191 §3.5: no items unblocks every JID, and says which ones were blocked.
        let all = try change(harness.ok(.blockListUnblock, ["user": Self.alice]))
        #expect(all.changed == ["b@example.org", "example.net"] && all.items == [])
        #expect(try list(harness) == [])
        #expect(try change(harness.ok(.blockListUnblock, ["user": Self.alice, "items": "[]"])).changed == [])
    }

    @Test func badItemsAreRefusedAndChangeNothing() throws {
        let harness = try StorageHarness(account: Self.alice)
        #expect(try harness.condition(.blockListBlock, ["user": Self.alice, "items": "[]"]) == "bad-request")
        #expect(try harness.condition(.blockListBlock, ["user": Self.alice]) == "bad-request")
        #expect(try harness.condition(.blockListBlock, ["user": Self.alice, "items": items("ok@example.org", "bad@@example.org")]) == "jid-malformed")
        #expect(try harness.condition(.blockListUnblock, ["user": Self.alice, "items": items("")]) == "jid-malformed")
        #expect(try harness.condition(.blockListBlock, ["user": Self.alice, "items": "romeo@montague.net"]) == "bad-request")
        #expect(try harness.condition(.blockListBlock, ["user": Self.alice, "items": "[1]"]) == "jid-malformed")
        #expect(try list(harness) == [])
        #expect(try harness.condition(.blockListGet, ["user": "ghost@example.com"]) == "item-not-found")
        #expect(try harness.condition(.blockListBlock, ["user": "ghost@example.com", "items": items("x@example.org")]) == "item-not-found")
        #expect(try harness.condition(.blockListGet, ["user": "example.com"]) == "jid-malformed")
    }

    @Test func theListIsBoundedAndACommandOverTheBoundBlocksNothing() throws {
        var limits = StorageLimits()
        limits.blockListMaxItems = 3
        let harness = try StorageHarness(account: Self.alice, limits: limits)
        try harness.ok(.blockListBlock, ["user": Self.alice, "items": items("a@example.org", "b@example.org")])
        let refused = try harness.run(.blockListBlock, ["user": Self.alice, "items": items("c@example.org", "d@example.org")])
        #expect(refused.error == "policy-violation")
        #expect(refused.text?.contains("3") == true)
        #expect(try list(harness) == ["a@example.org", "b@example.org"])
        // At the bound, what is already blocked can be blocked again.
        try harness.ok(.blockListBlock, ["user": Self.alice, "items": items("c@example.org")])
        try harness.ok(.blockListBlock, ["user": Self.alice, "items": items("a@example.org")])
        #expect(try list(harness).count == 3)
    }

    @Test func aReplayedBlockReturnsItsFirstReplyAndChangesNothing() throws {
        let harness = try StorageHarness(account: Self.alice)
        let arguments = ["user": Self.alice, "items": items("romeo@montague.net")]
        let first = try harness.run(.blockListBlock, arguments, id: "route:{3}/1-0:1")
        try harness.ok(.blockListUnblock, ["user": Self.alice])
        let replay = try harness.run(.blockListBlock, arguments, id: "route:{3}/1-0:1")
        #expect(replay == first)
        #expect(try list(harness) == [])
        let unblock = ["user": Self.alice, "items": items("x@example.org")]
        #expect(try harness.run(.blockListUnblock, unblock, id: "u:1") == harness.run(.blockListUnblock, unblock, id: "u:1"))
    }

    @Test func deletingTheAccountDeletesItsList() throws {
        let harness = try StorageHarness(account: Self.alice)
        try harness.ok(.blockListBlock, ["user": Self.alice, "items": items("romeo@montague.net")])
        #expect(try harness.count("blocklist_items") == 1)
        try harness.ok(.accountDelete, ["user": Self.alice])
        #expect(try harness.count("blocklist_items") == 0)
    }

    @Test func theCacheIsRewrittenForWhatChangesAList() throws {
        func request(_ operation: StorageOperation, _ arguments: [String: String]) -> StorageRequest {
            StorageRequest(id: "1", operation: operation, replyTo: "t:reply:{x}", sentAtMilliseconds: 0, arguments: arguments)
        }
        #expect(BlockListCache.users(of: request(.blockListBlock, ["user": "Alice@Example.com"])) == [Self.alice])
        #expect(BlockListCache.users(of: request(.blockListUnblock, ["user": Self.alice])) == [Self.alice])
        #expect(BlockListCache.users(of: request(.accountDelete, ["user": Self.alice])) == [Self.alice])
        #expect(BlockListCache.users(of: request(.accountCreate, ["user": Self.alice])) == [Self.alice])
        #expect(BlockListCache.users(of: request(.blockListGet, ["user": Self.alice])) == [])
        let cache = BlockListCache(keys: ClusterKeys(prefix: "t:"))
        #expect(cache.commands(user: Self.alice, items: []).map { $0.map { "\($0)" } } == [["DEL", "t:blocklist:{alice@example.com}"]])
        #expect(cache.commands(user: Self.alice, items: ["a@x", "x"]).map { $0.map { "\($0)" } } == [
            ["DEL", "t:blocklist:{alice@example.com}"], ["SADD", "t:blocklist:{alice@example.com}", "a@x", "x"],
        ])
    }
}
