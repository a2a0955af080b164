import Foundation
import XMPPStream

extension SCRAMCredentials {
    /// The storage request argument (and reply field) carrying these credentials:
    /// the mechanism name in lower case (`scram-sha-1`, `scram-sha-256`).
    public var storageField: String { hashFunction.storageField }

    /// The credentials as text, in the layout of RFC 5803 §3 (SCRAM in LDAP):
    /// `<iterations>:<base64 salt>$<base64 StoredKey>:<base64 ServerKey>`.
    /// This is what crosses Redis when an account is created or its password
    /// changed: derived keys, never the password.
    public var storageText: String {
        "\(iterations):\(Data(salt).base64EncodedString())$"
            + "\(Data(storedKey).base64EncodedString()):\(Data(serverKey).base64EncodedString())"
    }

    /// Reads `storageText`; `nil` when malformed or when the key lengths do not
    /// fit `hashFunction`.
    public init?(storageText text: String, hashFunction: SCRAMHashFunction) {
        let halves = text.split(separator: "$", omittingEmptySubsequences: false)
        guard halves.count == 2 else { return nil }
        let left = halves[0].split(separator: ":", omittingEmptySubsequences: false)
        let right = halves[1].split(separator: ":", omittingEmptySubsequences: false)
        guard left.count == 2, right.count == 2, let iterations = Int(left[0]), iterations > 0,
            let salt = Data(base64Encoded: String(left[1])), !salt.isEmpty,
            let storedKey = Data(base64Encoded: String(right[0])), let serverKey = Data(base64Encoded: String(right[1])),
            storedKey.count == hashFunction.outputByteCount, serverKey.count == hashFunction.outputByteCount
        else { return nil }
        self.init(
            hashFunction: hashFunction, salt: Array(salt), iterations: iterations, storedKey: Array(storedKey),
            serverKey: Array(serverKey))
    }

    /// Fresh credentials for every mechanism Trellis offers, each with its own
    /// random 16-byte salt. The password is used as given (prepared by the caller).
    public static func deriveAll(password: String, iterations: Int) throws -> [SCRAMCredentials] {
        try SCRAMHashFunction.allCases.map { hash in
            let salt = (0..<16).map { _ in UInt8.random(in: 0...255) }
            return try derive(password: password, salt: salt, iterations: iterations, hashFunction: hash)
        }
    }
}

extension SCRAMHashFunction {
    /// The storage argument name: the mechanism in lower case.
    public var storageField: String { rawValue.lowercased() }

    /// Reads a mechanism name in any case (`SCRAM-SHA-1`, `scram-sha-256`).
    public init?(mechanismName: String) {
        self.init(rawValue: mechanismName.uppercased())
    }
}
