import Gateway
import Synchronization
import XMPPCore

/// The session records and block lists a router read from Redis, kept until
/// Redis says their key changed (docs/routing.md, "The account cache").
///
/// The rules that keep it from serving what changed:
/// - It serves nothing until the invalidation subscription is confirmed
///   (`enable()`), and forgets everything whenever that subscription drops
///   (`disable()`): a hint is never missed while anything is served.
/// - A read may cross a change: Redis ran the read, then the change, and the
///   hint arrives before the read's reply is stored. So a read takes a ticket
///   (the count of hints so far) before it is sent, and its result is kept
///   only for the accounts no hint named since then (`store`).
/// - A user without an available session is never served from it: whatever
///   sends a stanza to offline storage, bounces or drops it decides on a fresh
///   read (a login, an initial presence must be seen at once). A full JID
///   whose resource the kept record lacks is read again (a session that just
///   bound).
/// - Nothing is kept longer than `maxAge`, so even a change Redis announces
///   to nobody (`FLUSHALL`) is outlived.
/// Between a change and its hint (a pub/sub hop, well under a millisecond on
/// one machine) a router may still route by the older record; a delivery to a
/// session that ended or moved comes back from its gateway as undelivered and
/// is routed again by a fresh read (`forget`).
public final class AccountCache: Sendable {
    /// What `lookUp` found, and what must be read.
    public struct Lookup: Sendable {
        public var found = AccountReads()
        public var sessionsToRead: [JID] = []
        public var blockListsToRead: [JID] = []
        /// Hints counted when the lookup was made; give it back to `store`.
        public var ticket: UInt64 = 0
    }

    struct Kept<Value> {
        var value: Value
        var at: ContinuousClock.Instant
    }

    struct State {
        var enabled = false
        var sessions: [JID: Kept<[String: SessionRecord]>] = [:]
        var blockLists: [JID: Kept<BlockList>] = [:]
        /// Hints so far; a read's ticket.
        var hints: UInt64 = 0
        /// The bare JIDs of the most recent hints (`nil`: every account), oldest
        /// first, with the hint count each was the last of.
        var recent: [(hint: UInt64, bare: JID?)] = []
    }

    let capacity: Int
    let maxAge: Duration
    /// How many recent hints are remembered for reads in flight; a read older
    /// than that keeps nothing.
    let hintWindow: Int
    private let state = Mutex(State())

    public init(capacity: Int = 100_000, maxAge: Duration = .seconds(30), hintWindow: Int = 4096) {
        self.capacity = capacity
        self.maxAge = maxAge
        self.hintWindow = hintWindow
    }

    /// Splits what a batch needs into what is kept and what must be read.
    /// `sessionsOf` may hold full JIDs: a kept record without that resource is read again.
    public func lookUp(
        sessionsOf sessionUsers: [JID], blockListsOf listUsers: [JID], now: ContinuousClock.Instant = .now
    ) -> Lookup {
        state.withLock { state in
            var lookup = Lookup(ticket: state.hints)
            let oldest = now - maxAge
            var toRead = Set<JID>()
            for user in sessionUsers {
                let bare = user.bare
                guard state.enabled, let kept = state.sessions[bare], kept.at >= oldest,
                    kept.value.values.contains(where: \.available),
                    user.resourcepart.map({ kept.value[$0] != nil }) ?? true
                else {
                    toRead.insert(bare)
                    continue
                }
                lookup.found.sessions[bare] = kept.value
            }
            for bare in toRead { lookup.found.sessions[bare] = nil }
            lookup.sessionsToRead = Array(toRead)
            for bare in Set(listUsers.map(\.bare)) {
                if state.enabled, let kept = state.blockLists[bare], kept.at >= oldest {
                    lookup.found.blockLists[bare] = kept.value
                } else {
                    lookup.blockListsToRead.append(bare)
                }
            }
            return lookup
        }
    }

    /// Keeps what a read found, except for the accounts a hint named since
    /// `ticket`. `blockListsComplete` says the lists were read from Redis's
    /// complete sets (not storage's fallback answer).
    public func store(
        _ reads: AccountReads, blockListsComplete: Bool, ticket: UInt64, now: ContinuousClock.Instant = .now
    ) {
        state.withLock { state in
            guard state.enabled else { return }
            let changed: Set<JID>
            if state.hints == ticket {
                changed = []
            } else {
                guard let oldest = state.recent.first, oldest.hint <= ticket + 1 else { return }
                var named = Set<JID>()
                for hint in state.recent.reversed() {
                    guard hint.hint > ticket else { break }
                    guard let bare = hint.bare else { return }  // everything changed
                    named.insert(bare)
                }
                changed = named
            }
            if state.sessions.count + reads.sessions.count > capacity || state.blockLists.count + reads.blockLists.count > capacity {
                state.sessions.removeAll(keepingCapacity: true)
                state.blockLists.removeAll(keepingCapacity: true)
            }
            for (bare, records) in reads.sessions
            where records.values.contains(where: \.available) && !changed.contains(bare) {
                state.sessions[bare] = Kept(value: records, at: now)
            }
            guard blockListsComplete else { return }
            for (bare, list) in reads.blockLists where !changed.contains(bare) {
                state.blockLists[bare] = Kept(value: list, at: now)
            }
        }
    }

    /// A hint: the sessions or block list of `bare` changed.
    public func forget(_ bare: JID) {
        state.withLock { state in
            state.sessions[bare] = nil
            state.blockLists[bare] = nil
            note(bare, in: &state)
        }
    }

    /// A hint that every account may have changed (`blocklist:ready` went or came,
    /// a key space flush): drops everything.
    public func forgetAll() {
        state.withLock { state in
            state.sessions.removeAll()
            state.blockLists.removeAll()
            note(nil, in: &state)
        }
    }

    /// The invalidation subscription is confirmed: serve from now on.
    public func enable() {
        state.withLock { state in
            state.sessions.removeAll()
            state.blockLists.removeAll()
            note(nil, in: &state)
            state.enabled = true
        }
    }

    /// The subscription dropped (or never came): forget and serve nothing.
    public func disable() {
        state.withLock { state in
            state.enabled = false
            state.sessions.removeAll()
            state.blockLists.removeAll()
            note(nil, in: &state)
        }
    }

    public var isEnabled: Bool { state.withLock { $0.enabled } }

    /// How many accounts' sessions and block lists are kept (for metrics, tests).
    public var counts: (sessions: Int, blockLists: Int) {
        state.withLock { ($0.sessions.count, $0.blockLists.count) }
    }

    private func note(_ bare: JID?, in state: inout State) {
        state.hints += 1
        state.recent.append((state.hints, bare))
        if state.recent.count > hintWindow { state.recent.removeFirst(state.recent.count - hintWindow / 2) }
    }
}
