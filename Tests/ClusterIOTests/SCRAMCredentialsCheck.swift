import XMPPStream

/// Checks stored credentials against a password the way a server would
/// (re-derive with the stored salt and iterations, compare the keys).
enum SCRAMCredentialsCheck {
    static func matches(_ stored: SCRAMCredentials, password: String) throws -> Bool {
        try SCRAMCredentials.derive(
            password: password, salt: stored.salt, iterations: stored.iterations, hashFunction: stored.hashFunction
        ) == stored
    }
}
