import Cluster
import Gateway
import Testing
import XMPPCore
@testable import Router

/// The account cache's rules, without Redis: what it serves, what a hint or a
/// read that crossed a hint leaves behind, and when it serves nothing.
@Suite("Router account cache")
struct AccountCacheTests {
    let alice = try! JID("alice@example.com")
    let bob = try! JID("bob@example.com")

    func records(_ resources: String..., node: String = "c2s-1", available: Bool = true) -> [String: SessionRecord] {
        Dictionary(uniqueKeysWithValues: resources.map {
            ($0, SessionRecord(node: node, session: "s-\($0)", available: available))
        })
    }

    func enabledCache() -> AccountCache {
        let cache = AccountCache()
        cache.enable()
        return cache
    }

    func keep(_ cache: AccountCache, _ reads: AccountReads) {
        let lookup = cache.lookUp(sessionsOf: Array(reads.sessions.keys), blockListsOf: Array(reads.blockLists.keys))
        cache.store(reads, blockListsComplete: true, ticket: lookup.ticket)
    }

    @Test func keptReadsAreServedUntilAHintNamesTheAccount() {
        let cache = enabledCache()
        keep(cache, AccountReads(sessions: [alice: records("phone")], blockLists: [alice: BlockList(normalized: ["x@y"])]))
        let hit = cache.lookUp(sessionsOf: [alice], blockListsOf: [alice])
        #expect(hit.sessionsToRead.isEmpty && hit.blockListsToRead.isEmpty)
        #expect(hit.found.sessions[alice] == records("phone"))
        cache.forget(alice)
        let miss = cache.lookUp(sessionsOf: [alice], blockListsOf: [alice])
        #expect(miss.sessionsToRead == [alice] && miss.blockListsToRead == [alice] && miss.found == AccountReads())
    }

    @Test func aReadThatCrossedAHintForItsAccountIsNotKept() {
        let cache = enabledCache()
        let lookup = cache.lookUp(sessionsOf: [alice, bob], blockListsOf: [])
        // Redis answered with the old record; the change's hint came first.
        cache.forget(alice)
        cache.store(
            AccountReads(sessions: [alice: records("old"), bob: records("laptop")]), blockListsComplete: true,
            ticket: lookup.ticket)
        #expect(cache.lookUp(sessionsOf: [alice], blockListsOf: []).sessionsToRead == [alice])
        #expect(cache.lookUp(sessionsOf: [bob], blockListsOf: []).sessionsToRead.isEmpty)
    }

    @Test func aReadOlderThanTheRememberedHintsKeepsNothing() {
        let cache = AccountCache(hintWindow: 4)
        cache.enable()
        let lookup = cache.lookUp(sessionsOf: [bob], blockListsOf: [])
        for index in 0..<10 { cache.forget(try! JID("u\(index)@example.com")) }
        cache.store(AccountReads(sessions: [bob: records("laptop")]), blockListsComplete: true, ticket: lookup.ticket)
        #expect(cache.lookUp(sessionsOf: [bob], blockListsOf: []).sessionsToRead == [bob])
    }

    @Test func aUserWithoutAnAvailableSessionIsNeverKept() {
        let cache = enabledCache()
        keep(cache, AccountReads(sessions: [alice: [:], bob: records("phone", available: false)]))
        #expect(cache.lookUp(sessionsOf: [alice], blockListsOf: []).sessionsToRead == [alice])
        #expect(cache.lookUp(sessionsOf: [bob], blockListsOf: []).sessionsToRead == [bob])
        #expect(cache.counts.sessions == 0)
    }

    @Test func aFullJIDTheKeptRecordLacksIsReadAgain() {
        let cache = enabledCache()
        keep(cache, AccountReads(sessions: [alice: records("phone")]))
        #expect(cache.lookUp(sessionsOf: [try! JID("alice@example.com/phone")], blockListsOf: []).sessionsToRead.isEmpty)
        let lookup = cache.lookUp(sessionsOf: [try! JID("alice@example.com/laptop"), alice], blockListsOf: [])
        #expect(lookup.sessionsToRead == [alice] && lookup.found.sessions[alice] == nil)
    }

    @Test func nothingIsServedBeforeEnableOrAfterDisable() {
        let cache = AccountCache()
        keep(cache, AccountReads(sessions: [alice: records("phone")]))
        #expect(cache.lookUp(sessionsOf: [alice], blockListsOf: []).sessionsToRead == [alice])
        cache.enable()
        keep(cache, AccountReads(sessions: [alice: records("phone")]))
        #expect(cache.counts.sessions == 1)
        cache.disable()
        #expect(cache.counts.sessions == 0)
        #expect(cache.lookUp(sessionsOf: [alice], blockListsOf: []).sessionsToRead == [alice])
    }

    @Test func listsFromStoragesFallbackAndOldEntriesAreNotServed() {
        let cache = AccountCache(maxAge: .seconds(30))
        cache.enable()
        let start = ContinuousClock.now
        let lookup = cache.lookUp(sessionsOf: [alice], blockListsOf: [bob], now: start)
        cache.store(
            AccountReads(sessions: [alice: records("phone")], blockLists: [bob: .empty]), blockListsComplete: false,
            ticket: lookup.ticket, now: start)
        #expect(cache.lookUp(sessionsOf: [], blockListsOf: [bob], now: start).blockListsToRead == [bob])
        #expect(cache.lookUp(sessionsOf: [alice], blockListsOf: [], now: start + .seconds(29)).sessionsToRead.isEmpty)
        #expect(cache.lookUp(sessionsOf: [alice], blockListsOf: [], now: start + .seconds(31)).sessionsToRead == [alice])
    }

    @Test func forgetAllDropsEveryAccountAndCrossingReads() {
        let cache = enabledCache()
        keep(cache, AccountReads(sessions: [alice: records("phone")]))
        let lookup = cache.lookUp(sessionsOf: [bob], blockListsOf: [])
        cache.forgetAll()
        cache.store(AccountReads(sessions: [bob: records("laptop")]), blockListsComplete: true, ticket: lookup.ticket)
        #expect(cache.counts.sessions == 0)
    }

    // MARK: Keyspace channels

    let channels = KeyspaceChannels(keys: ClusterKeys(prefix: "t:"), database: 0, probeOwner: "router-1")

    @Test func notificationsNameTheAccountTheyChanged() {
        #expect(channels.patterns == ["__keyspace@0__:t:sessions:{*}", "__keyspace@0__:t:blocklist:{*}"])
        #expect(channels.channels == ["__keyspace@0__:t:blocklist:ready"])
        #expect(channels.change(of: "__keyspace@0__:t:sessions:{alice@example.com}") == .account(alice))
        #expect(channels.change(of: "__keyspace@0__:t:blocklist:{bob@example.com}") == .account(bob))
        #expect(channels.change(of: "__keyspace@0__:t:blocklist:ready") == .everything)
        #expect(channels.change(of: "__keyspace@0__:" + channels.probeKey) == .probe)
        let other = KeyspaceChannels(keys: ClusterKeys(prefix: "t:"), database: 0, probeOwner: "router-2")
        #expect(channels.change(of: "__keyspace@0__:" + other.probeKey) == nil)
        #expect(channels.change(of: "__keyspace@0__:t:sessions:{not a jid@@}") == .everything)
        #expect(channels.change(of: "__keyspace@1__:t:sessions:{alice@example.com}") == nil)
    }

    @Test func notificationFlagsAreAddedToWhatIsSet() {
        #expect(KeyspaceChannels.flags(adding: "Kg$hsxe", to: "") == "Kg$hsxe")
        #expect(KeyspaceChannels.flags(adding: "Kg$hsxe", to: "AK") == "AK")
        #expect(KeyspaceChannels.flags(adding: "Kg$hsxe", to: "El") == "ElKg$hsxe")
        #expect(KeyspaceChannels.escapingGlob("a*b?[c]\\") == "a\\*b\\?\\[c\\]\\\\")
    }
}
