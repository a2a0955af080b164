import ClusterIO
import XMPPStream

/// SCRAM credentials from the storage service. A missing account is `nil`; a
/// storage or Redis outage throws, which the client sees as
/// `<temporary-auth-failure/>` (RFC 6120 §6.5.12).
public struct StorageCredentialSource: CredentialSource {
    let storage: StorageClient

    public init(storage: StorageClient) {
        self.storage = storage
    }

    public func credentials(username: String, domain: String, hashFunction: SCRAMHashFunction) async throws -> SCRAMCredentials? {
        try await storage.credentials(user: "\(username)@\(domain)", mechanism: hashFunction)
    }
}
