import XMPPStream

/// Where a gateway finds an account's SCRAM credentials (the storage service,
/// asked through Redis).
public protocol CredentialSource: Sendable {
    /// The stored credentials for `username` at `domain`, or `nil` when there is no
    /// such account. Throws when the cluster cannot answer right now, which the
    /// client sees as `<temporary-auth-failure/>`.
    func credentials(username: String, domain: String, hashFunction: SCRAMHashFunction) async throws -> SCRAMCredentials?
}
