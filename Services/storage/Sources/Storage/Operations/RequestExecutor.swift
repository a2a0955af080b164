import Cluster
import GRDB
import Logging
import XMPPCore

/// Answers storage requests against the database: no Redis, no clock of its
/// own (`now` is passed in), so every operation is testable on a temporary file.
///
/// A batch runs in one write transaction (one fsync for the batch); each
/// request runs in a savepoint of its own, so a refused or failing request is
/// rolled back alone. A mutation's reply is recorded in `applied_requests`
/// inside the same transaction: replayed, it returns that reply unchanged.
/// (`archive.append` is idempotent by its own key and is not recorded.)
/// Every outcome is a reply; a bad request never escapes as an error.
struct RequestExecutor: Sendable {
    var limits: StorageLimits
    var logger: Logger

    init(limits: StorageLimits = StorageLimits(), logger: Logger = Logger(label: "trellis.storage")) {
        self.limits = limits
        self.logger = logger
    }

    /// Runs `requests` in order; one reply each, in order.
    func execute(_ requests: [StorageRequest], now: Int64, in db: Database) throws -> [StorageReply] {
        try requests.map { try execute($0, now: now, in: db) }
    }

    func execute(_ request: StorageRequest, now: Int64, in db: Database) throws -> StorageReply {
        guard request.operation.logsReply else { return answer(request, now: now, in: db) }
        if let earlier = try AppliedRequests.reply(for: request.id, in: db) { return earlier }
        let reply = answer(request, now: now, in: db)
        try AppliedRequests.record(reply, at: now, in: db)
        return reply
    }

    /// Runs the operation in a savepoint; a failure rolls it back and becomes
    /// a failure reply.
    private func answer(_ request: StorageRequest, now: Int64, in db: Database) -> StorageReply {
        var result: [String: StorageValue] = [:]
        do {
            try db.inSavepoint {
                result = try perform(request, now: now, in: db)
                return .commit
            }
            return .success(id: request.id, result: result)
        } catch let failure as StorageFailure {
            return .failure(id: request.id, condition: failure.condition.rawValue, text: failure.text)
        } catch {
            logger.error(
                "storage operation failed",
                metadata: ["storage.op": .string(request.operation.rawValue), "error": "\(error)"])
            return .failure(id: request.id, condition: StanzaError.Condition.internalServerError.rawValue)
        }
    }

    private func perform(_ request: StorageRequest, now: Int64, in db: Database) throws -> [String: StorageValue] {
        let arguments = RequestArguments(request)
        switch request.operation {
        case .accountCreate: return try AccountOperations.create(arguments, now: now, in: db)
        case .accountDelete: return try AccountOperations.delete(arguments, in: db)
        case .accountSetPassword: return try AccountOperations.setPassword(arguments, in: db)
        case .accountList: return try AccountOperations.list(in: db)
        case .accountCredentials: return try AccountOperations.credentials(arguments, in: db)
        case .rosterGet: return try RosterOperations.get(arguments, in: db)
        case .rosterSetItem: return try RosterOperations.set(arguments, limits: limits, in: db)
        case .rosterRemoveItem: return try RosterOperations.remove(arguments, in: db)
        case .subscriptionApply: return try SubscriptionOperations.apply(arguments, limits: limits, now: now, in: db)
        case .subscriptionPending: return try RosterOperations.pending(arguments, in: db)
        case .vcardGet: return try UserDataOperations.getVCard(arguments, in: db)
        case .vcardSet: return try UserDataOperations.setVCard(arguments, limits: limits, now: now, in: db)
        case .privateGet: return try UserDataOperations.getPrivate(arguments, in: db)
        case .privateSet: return try UserDataOperations.setPrivate(arguments, limits: limits, in: db)
        case .offlineStore: return try UserDataOperations.storeOffline(arguments, limits: limits, now: now, in: db)
        case .offlineTake: return try UserDataOperations.takeOffline(arguments, in: db)
        case .blockListGet: return try BlockListOperations.get(arguments, in: db)
        case .blockListBlock: return try BlockListOperations.block(arguments, limits: limits, now: now, in: db)
        case .blockListUnblock: return try BlockListOperations.unblock(arguments, in: db)
        case .archiveAppend: return try ArchiveOperations.append(arguments, limits: limits, in: db)
        case .archiveQuery: return try ArchiveOperations.query(arguments, limits: limits, in: db)
        case .archiveMetadata: return try ArchiveOperations.metadata(arguments, in: db)
        }
    }

    /// The users whose roster cache must be rewritten after `request` (applied
    /// or replayed): the roster operations' users, and `roster.get`'s, which
    /// rebuilds a missing cache. Deleted accounts come back without a roster
    /// and their cache is dropped.
    static func rosterUsers(of request: StorageRequest) -> [String] {
        let arguments = RequestArguments(request)
        switch request.operation {
        case .rosterGet, .rosterSetItem, .rosterRemoveItem, .accountDelete, .accountCreate:
            return [(try? arguments.account())].compactMap { $0 }
        case .subscriptionApply:
            return [(try? arguments.account()), (try? arguments.bareJID("contact"))].compactMap { $0 }
        default:
            return []
        }
    }
}
