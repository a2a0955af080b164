import Crypto
import CryptoExtras
import Foundation

/// The hash a SCRAM mechanism is built on (RFC 5802 §2.2, RFC 7677).
public enum SCRAMHashFunction: String, Sendable, Hashable, CaseIterable {
    case sha1 = "SCRAM-SHA-1"
    case sha256 = "SCRAM-SHA-256"

    /// The SASL mechanism name.
    public var mechanism: String { rawValue }

    /// H(): the hash itself.
    public func hash(_ data: some DataProtocol) -> [UInt8] {
        switch self {
        case .sha1: Array(Insecure.SHA1.hash(data: data))
        case .sha256: Array(SHA256.hash(data: data))
        }
    }

    /// HMAC(key, data).
    public func hmac(key: some ContiguousBytes, data: some DataProtocol) -> [UInt8] {
        let key = SymmetricKey(data: key)
        switch self {
        case .sha1: return Array(HMAC<Insecure.SHA1>.authenticationCode(for: data, using: key))
        case .sha256: return Array(HMAC<SHA256>.authenticationCode(for: data, using: key))
        }
    }

    /// Hi(password, salt, i): PBKDF2 with this hash's HMAC (RFC 5802 §2.2).
    public func saltedPassword(_ password: String, salt: [UInt8], iterations: Int) throws -> [UInt8] {
        let function: KDF.Insecure.PBKDF2.HashFunction =
            switch self {
            case .sha1: .insecureSHA1
            case .sha256: .sha256
            }
        let key = try KDF.Insecure.PBKDF2.deriveKey(
            from: Array(password.utf8), salt: salt, using: function,
            outputByteCount: outputByteCount, unsafeUncheckedRounds: iterations)
        return key.withUnsafeBytes { Array($0) }
    }

    /// Bytes of one digest.
    public var outputByteCount: Int {
        switch self {
        case .sha1: 20
        case .sha256: 32
        }
    }
}
