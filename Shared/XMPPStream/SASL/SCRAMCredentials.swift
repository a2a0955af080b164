import Foundation

/// What a server stores for one account and one SCRAM hash: never the password,
/// only the salt, the iteration count and the two derived keys (RFC 5802 §3).
public struct SCRAMCredentials: Sendable, Hashable {
    public var hashFunction: SCRAMHashFunction
    public var salt: [UInt8]
    public var iterations: Int
    /// H(ClientKey): lets the server check a client proof.
    public var storedKey: [UInt8]
    /// HMAC(SaltedPassword, "Server Key"): lets the server prove itself.
    public var serverKey: [UInt8]

    public init(
        hashFunction: SCRAMHashFunction, salt: [UInt8], iterations: Int, storedKey: [UInt8],
        serverKey: [UInt8]
    ) {
        self.hashFunction = hashFunction
        self.salt = salt
        self.iterations = iterations
        self.storedKey = storedKey
        self.serverKey = serverKey
    }

    /// Derives the stored credentials from a password.
    ///
    /// - Parameters:
    ///   - password: already prepared (SASLprep/OpaqueString) by the caller.
    ///   - salt: random bytes, 16 or more.
    public static func derive(
        password: String, salt: [UInt8], iterations: Int, hashFunction: SCRAMHashFunction
    ) throws -> SCRAMCredentials {
        let salted = try hashFunction.saltedPassword(password, salt: salt, iterations: iterations)
        let clientKey = hashFunction.hmac(key: salted, data: Array("Client Key".utf8))
        let serverKey = hashFunction.hmac(key: salted, data: Array("Server Key".utf8))
        return SCRAMCredentials(
            hashFunction: hashFunction, salt: salt, iterations: iterations,
            storedKey: hashFunction.hash(clientKey), serverKey: serverKey)
    }

    /// Stand-in credentials for an account that does not exist, so that an unknown
    /// user cannot be told from a wrong password (RFC 5802 §9). The salt is
    /// derived from the user name and a per-server secret, so it is stable.
    public static func decoy(
        username: String, secret: [UInt8], iterations: Int, hashFunction: SCRAMHashFunction
    ) -> SCRAMCredentials {
        let salt = Array(hashFunction.hmac(key: secret, data: Array(username.utf8)).prefix(16))
        let random = (0..<hashFunction.outputByteCount).map { _ in UInt8.random(in: 0...255) }
        return SCRAMCredentials(
            hashFunction: hashFunction, salt: salt, iterations: iterations, storedKey: random,
            serverKey: random)
    }
}
