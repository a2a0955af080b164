import Cluster
import ClusterIO
import Redis
import XMPPStream

/// The SCRAM credentials read cache in Redis (`credentials:{bare}`,
/// docs/redis-protocol.md): a hash of mechanism → RFC 5803 text (salt,
/// iteration count, StoredKey, ServerKey). Gateways read it at every login, so a
/// login does not wait on the storage process; a miss asks storage
/// (`account.credentials`), which fills it.
///
/// Storage rewrites a user's whole hash after every account request about that
/// user, in its batch, before the batch's replies are sent: a password change
/// is in the cache before anyone hears it succeeded, and a deleted account's
/// hash is gone. Storage applies batches one at a time, so a fill never
/// overwrites a newer password. No TTL: a lost hash (Redis restart) is a miss.
struct CredentialsCache: Sendable {
    let keys: ClusterKeys

    /// The users whose cache must be rewritten after `request`: every account
    /// operation's user (`account.credentials` is how a miss is filled).
    static func users(of request: StorageRequest) -> [String] {
        switch request.operation {
        case .accountCreate, .accountSetPassword, .accountDelete, .accountCredentials:
            return [(try? RequestArguments(request).account())].compactMap { $0 }
        default:
            return []
        }
    }

    /// The commands that replace the cache of `user` with `credentials`, or only
    /// delete it when `credentials` is `nil` or empty (no such account).
    func commands(user: String, credentials: [SCRAMCredentials]?) -> [[any RESPArgument]] {
        let key = keys.credentialsCache(bare: user)
        guard let credentials, !credentials.isEmpty else { return [["DEL", key]] }
        var hset: [any RESPArgument] = ["HSET", key]
        for credential in credentials { hset += [credential.storageField, credential.storageText] }
        return [["DEL", key], hset]
    }
}
