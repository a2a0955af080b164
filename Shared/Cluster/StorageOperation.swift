/// The operations the storage service answers over `storage:requests`
/// (`docs/redis-protocol.md`, "Storage requests"). The raw value is the `op`
/// field of the stream entry.
public enum StorageOperation: String, Sendable, Hashable, CaseIterable {
    case accountCreate = "account.create"
    case accountDelete = "account.delete"
    case accountSetPassword = "account.password"
    case accountList = "account.list"
    case accountCredentials = "account.credentials"
    case rosterGet = "roster.get"
    case rosterSetItem = "roster.set"
    case rosterRemoveItem = "roster.remove"
    case subscriptionApply = "subscription.apply"
    case subscriptionPending = "subscription.pending"
    case vcardGet = "vcard.get"
    case vcardSet = "vcard.set"
    case privateGet = "private.get"
    case privateSet = "private.set"
    case offlineStore = "offline.store"
    case offlineTake = "offline.take"
    case blockListGet = "blocklist.get"
    case blockListBlock = "blocklist.block"
    case blockListUnblock = "blocklist.unblock"
    case archiveAppend = "archive.append"
    case archiveQuery = "archive.query"
    case archiveMetadata = "archive.metadata"

    /// Mutations are applied at most once per request id; a retried request gets
    /// the first reply again.
    public var isMutation: Bool {
        switch self {
        case .accountList, .accountCredentials, .rosterGet, .subscriptionPending, .vcardGet, .privateGet, .blockListGet,
            .archiveQuery, .archiveMetadata:
            false
        default: true
        }
    }

    /// Whether storage records the reply in its idempotency log, so that a
    /// replay gets it again instead of a second application. `archive.append`
    /// is idempotent by its own key (an archive id is stored once per user)
    /// and nobody waits for its reply: logging it would double the writes of
    /// every archived message for nothing.
    public var logsReply: Bool {
        isMutation && self != .archiveAppend
    }

    /// Requests nobody can use once their requester has given up: reads, and
    /// `offline.take`, whose messages would be deleted without being delivered.
    /// Storage skips them when they are older than twice the request timeout
    /// (they sat in the stream while storage was down).
    public var isDroppedWhenStale: Bool {
        !isMutation || self == .offlineTake
    }
}
