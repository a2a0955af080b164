/// The PLAIN mechanism's single message (RFC 4616 §2):
/// `[authzid] NUL authcid NUL passwd`. Trellis offers PLAIN only inside TLS.
public struct PLAINMessage: Sendable, Hashable {
    public var authzid: String?
    public var username: String
    public var password: String

    public init(authzid: String?, username: String, password: String) {
        self.authzid = authzid
        self.username = username
        self.password = password
    }

    /// Parses the decoded initial response. Each part must be valid UTF-8 without
    /// NUL; the user name and password must not be empty.
    public init(parsing bytes: [UInt8]) throws(SASLMechanismFailure) {
        let parts = bytes.split(separator: 0, maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[1].isEmpty, !parts[2].isEmpty, !parts[2].contains(0),
            let authzid = String(validating: parts[0], as: UTF8.self),
            let username = String(validating: parts[1], as: UTF8.self),
            let password = String(validating: parts[2], as: UTF8.self)
        else { throw .malformedRequest }
        self.init(authzid: authzid.isEmpty ? nil : authzid, username: username, password: password)
    }

    /// Checks the password against stored SCRAM credentials by deriving the same
    /// keys (the password itself is never stored).
    public func verify(against credentials: SCRAMCredentials) -> Bool {
        guard
            let derived = try? SCRAMCredentials.derive(
                password: password, salt: credentials.salt, iterations: credentials.iterations,
                hashFunction: credentials.hashFunction)
        else { return false }
        return SCRAMServerStateMachine.constantTimeEqual(derived.storedKey, credentials.storedKey)
    }
}
