import Redis

/// Holds back requests nobody waits for (a router's `archive.append`), read
/// but not acknowledged, so that many of them share one transaction: a
/// transaction writes every page it changed to the WAL once, and small ones
/// — a few archived messages each, as they come when storage keeps up —
/// wrote several pages per message. Nothing is lost by holding them: an
/// entry is acknowledged only after its commit, and a storage that dies
/// claims them again when it restarts (`RequestConsumer`).
///
/// Held entries are processed, before anything read after them (order is
/// kept), as soon as:
/// - a batch holds a request someone waits for (a query must see the messages
///   archived before it; a reply is never delayed by this);
/// - `maxEntries` are held, or the oldest has waited `maxDelay`;
/// - a read finds nothing (the stream is idle).
struct DeferredRequests: Sendable {
    let maxEntries: Int
    let maxDelay: Duration
    private(set) var held: [RedisStreamEntry] = []
    private var since: ContinuousClock.Instant?

    init(maxEntries: Int, maxDelay: Duration = .milliseconds(100)) {
        self.maxEntries = maxEntries
        self.maxDelay = maxDelay
    }

    /// Takes a batch just read (possibly empty); returns the entries to
    /// process now, held ones first, or none to keep holding.
    mutating func take(_ batch: [RedisStreamEntry], now: ContinuousClock.Instant) -> [RedisStreamEntry] {
        guard !batch.isEmpty, batch.allSatisfy(Self.wantsNoReply) else { return flush(adding: batch) }
        held += batch
        if since == nil { since = now }
        if held.count >= maxEntries { return flush() }
        if let since, now - since >= maxDelay { return flush() }
        return []
    }

    /// Everything held (at shutdown).
    mutating func flush(adding batch: [RedisStreamEntry] = []) -> [RedisStreamEntry] {
        let entries = held + batch
        held = []
        since = nil
        return entries
    }

    /// How long the next read may wait: not past the oldest held entry's delay.
    func readTimeout(_ poll: Duration, now: ContinuousClock.Instant) -> Duration {
        guard let since else { return poll }
        return min(poll, max(.milliseconds(1), maxDelay - (now - since)))
    }

    /// An entry whose `reply` field is there and empty (`StorageRequest.noReply`).
    static func wantsNoReply(_ entry: RedisStreamEntry) -> Bool {
        entry["reply"] == ""
    }
}
