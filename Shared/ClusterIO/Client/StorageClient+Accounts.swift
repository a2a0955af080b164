import Cluster
import XMPPStream

/// Accounts: the password never crosses Redis. Callers derive SCRAM
/// credentials (`SCRAMCredentials.deriveAll`) and send only salts, iteration
/// counts and keys.
extension StorageClient {
    /// The stored credentials of `user` for `mechanism`, or `nil` when the
    /// account does not exist (answer with decoy credentials, RFC 5802 §9).
    public func credentials(
        user: String, mechanism: SCRAMHashFunction
    ) async throws(StorageClientError) -> SCRAMCredentials? {
        let result: [String: StorageValue]
        do {
            result = try await self.result(
                .accountCredentials, arguments: ["user": user, "mechanism": mechanism.storageField])
        } catch .rejected(condition: "item-not-found", _) {
            return nil
        }
        guard let text = result[mechanism.storageField]?.string,
            let credentials = SCRAMCredentials(storageText: text, hashFunction: mechanism)
        else { throw .malformedReply("account.credentials without \(mechanism.storageField)") }
        return credentials
    }

    /// The credentials of `user` for `mechanism` from the `credentials:{bare}`
    /// cache, or from storage on a miss (which fills the cache for the next
    /// login). A login thus reads Redis only, and keeps working while the
    /// storage process restarts.
    public func cachedCredentials(
        user: String, mechanism: SCRAMHashFunction
    ) async throws(StorageClientError) -> SCRAMCredentials? {
        let cached: String?
        do {
            cached = try await redis.send("HGET", keys.credentialsCache(bare: user), mechanism.storageField).string
        } catch {
            throw .unavailable("\(error)")
        }
        if let cached, let credentials = SCRAMCredentials(storageText: cached, hashFunction: mechanism) {
            return credentials
        }
        return try await credentials(user: user, mechanism: mechanism)
    }

    /// Creates `user` with `credentials` (one per mechanism). Returns `false` when
    /// the account existed and `ifMissing` is set (nothing changed); throws
    /// `.rejected(conflict)` when it existed and `ifMissing` is not set.
    @discardableResult
    public func createAccount(
        user: String, credentials: [SCRAMCredentials], ifMissing: Bool = false
    ) async throws(StorageClientError) -> Bool {
        var arguments = Self.credentialArguments(credentials)
        arguments["user"] = user
        if ifMissing { arguments["if_missing"] = "true" }
        return try await result(.accountCreate, arguments: arguments)["created"]?.bool ?? true
    }

    /// Replaces the credentials of `user`.
    public func setCredentials(user: String, credentials: [SCRAMCredentials]) async throws(StorageClientError) {
        var arguments = Self.credentialArguments(credentials)
        arguments["user"] = user
        _ = try await result(.accountSetPassword, arguments: arguments)
    }

    /// Deletes `user` and everything stored for it.
    public func deleteAccount(user: String) async throws(StorageClientError) {
        _ = try await result(.accountDelete, arguments: ["user": user])
    }

    /// Every account's bare JID, sorted.
    public func listAccounts() async throws(StorageClientError) -> [String] {
        guard let list = try await result(.accountList)["users"]?.list else {
            throw .malformedReply("account.list without users")
        }
        return list.compactMap(\.string)
    }

    static func credentialArguments(_ credentials: [SCRAMCredentials]) -> [String: String] {
        var arguments: [String: String] = [:]
        for credential in credentials { arguments[credential.storageField] = credential.storageText }
        return arguments
    }
}
