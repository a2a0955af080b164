/// The bounds storage enforces on what it keeps (`storage.*` keys,
/// `docs/configuration.md`).
struct StorageLimits: Sendable, Hashable {
    /// Offline messages kept per user; more are refused with `service-unavailable`.
    var offlineMaxMessages: Int = 100
    /// Largest vCard, in bytes of XML.
    var vcardMaxBytes: Int = 65_536
    /// Largest private XML element, in bytes of XML.
    var privateMaxBytes: Int = 65_536
    /// Largest stanza storage parses (offline messages, subscription requests):
    /// routers already enforce `max_stanza_size`, this is a backstop.
    var stanzaMaxBytes: Int = 1 << 20
    /// Longest roster item name or group name, in bytes (RFC 6121 §2.3.3 lets a
    /// server refuse longer ones with `not-acceptable`).
    var rosterTextMaxBytes: Int = 1023
    /// JIDs one user may block (XEP-0191); a block command that would go over
    /// is refused whole with `policy-violation`.
    var blockListMaxItems: Int = 1000
    /// How long archived messages (XEP-0313) are kept, in milliseconds; 0
    /// keeps them forever.
    var archiveRetentionMilliseconds: Int64 = 365 * 86_400_000
    /// Expired archived messages deleted per retention pass: small enough
    /// that a pass never holds the writer for long.
    var archiveRetentionBatch: Int = 500
    /// The XML an archive page carries at most (one message always goes):
    /// a page of large messages ends early, not complete, and the client
    /// asks for the next one.
    var archivePageMaxBytes: Int = 1 << 20
    /// How long the reply of an applied mutation is kept for replays, in milliseconds.
    var appliedRetentionMilliseconds: Int64 = 24 * 3_600_000
}
