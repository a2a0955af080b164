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

    /// Mutations are applied at most once per request id; a retried request gets
    /// the first reply again.
    public var isMutation: Bool {
        switch self {
        case .accountList, .accountCredentials, .rosterGet, .subscriptionPending, .vcardGet, .privateGet, .blockListGet:
            false
        default: true
        }
    }

    /// Requests nobody can use once their requester has given up: reads, and
    /// `offline.take`, whose messages would be deleted without being delivered.
    /// Storage skips them when they are older than twice the request timeout
    /// (they sat in the stream while storage was down).
    public var isDroppedWhenStale: Bool {
        !isMutation || self == .offlineTake
    }
}
