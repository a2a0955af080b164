import ClusterIO
import XMPPStream

/// SCRAM credentials from storage's Redis cache (`credentials:{bare}`), or
/// from the storage service on a miss. A missing account is `nil`; an outage
/// that leaves them unknown (Redis, or storage on a miss) throws, which the
/// client sees as `<temporary-auth-failure/>` (RFC 6120 §6.5.12).
public struct StorageCredentialSource: CredentialSource {
    let storage: StorageClient

    public init(storage: StorageClient) {
        self.storage = storage
    }

    public func credentials(username: String, domain: String, hashFunction: SCRAMHashFunction) async throws -> SCRAMCredentials? {
        try await storage.cachedCredentials(user: "\(username)@\(domain)", mechanism: hashFunction)
    }
}
