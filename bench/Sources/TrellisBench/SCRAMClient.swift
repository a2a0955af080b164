import Foundation
import NIOConcurrencyHelpers
import XMPPStream

/// The client side of one SCRAM exchange (RFC 5802 §3, §7), without channel
/// binding: just enough for load clients. The hash primitives are the server's
/// own (`SCRAMHashFunction` in XMPPStream).
struct SCRAMClient {
    enum Failure: Error, Equatable {
        case malformedChallenge
        case nonceMismatch
        case badServerSignature
    }

    let hashFunction: SCRAMHashFunction
    let username: String
    let password: String
    let clientNonce: String
    private var expectedServerSignature: [UInt8] = []

    init(hashFunction: SCRAMHashFunction = .sha1, username: String, password: String) {
        self.hashFunction = hashFunction
        self.username = username
        self.password = password
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        self.clientNonce = String((0..<24).map { _ in alphabet.randomElement()! })
    }

    /// `client-first-message-bare` (user names in the bench need no `=2C` escapes).
    var clientFirstBare: String { "n=\(username),r=\(clientNonce)" }

    /// The `<auth/>` payload: the gs2 header `n,,` then the bare message.
    var clientFirst: String { "n,," + clientFirstBare }

    /// Answers the `server-first-message` with the `client-final-message`.
    mutating func clientFinal(serverFirst: String, cache: SaltedPasswordCache) throws(Failure) -> String {
        var nonce = "", salt: [UInt8]?, iterations = 0
        for attribute in serverFirst.split(separator: ",") {
            let value = attribute.dropFirst(2)
            switch attribute.prefix(2) {
            case "r=": nonce = String(value)
            case "s=": salt = Data(base64Encoded: String(value)).map(Array.init)
            case "i=": iterations = Int(value) ?? 0
            default: break
            }
        }
        guard let salt, iterations > 0, !nonce.isEmpty else { throw .malformedChallenge }
        guard nonce.hasPrefix(clientNonce) else { throw .nonceMismatch }
        let keys = cache.keys(for: self, salt: salt, iterations: iterations)
        let withoutProof = "c=biws,r=" + nonce
        let authMessage = Array((clientFirstBare + "," + serverFirst + "," + withoutProof).utf8)
        let signature = hashFunction.hmac(key: hashFunction.hash(keys.clientKey), data: authMessage)
        let proof = zip(keys.clientKey, signature).map { $0 ^ $1 }
        expectedServerSignature = hashFunction.hmac(key: keys.serverKey, data: authMessage)
        return withoutProof + ",p=" + Data(proof).base64EncodedString()
    }

    /// Checks `v=` of the `server-final-message` carried by `<success/>`.
    func verify(serverFinal: String) throws(Failure) {
        guard serverFinal.hasPrefix("v="),
            let signature = Data(base64Encoded: String(serverFinal.dropFirst(2))),
            Array(signature) == expectedServerSignature
        else { throw .badServerSignature }
    }
}

/// ClientKey and ServerKey per (password, salt, iterations), shared by every
/// connection of a run: a real client caches them (RFC 5802 §5.1), and without
/// the cache the generator would spend its CPU on PBKDF2 instead of load.
final class SaltedPasswordCache: Sendable {
    struct Keys: Sendable {
        var clientKey: [UInt8]
        var serverKey: [UInt8]
    }

    private let entries = NIOLockedValueBox([String: Keys]())

    func keys(for client: SCRAMClient, salt: [UInt8], iterations: Int) -> Keys {
        let key = "\(client.hashFunction.rawValue)|\(client.password)|\(salt)|\(iterations)"
        if let keys = entries.withLockedValue({ $0[key] }) { return keys }
        let hash = client.hashFunction
        let salted = (try? hash.saltedPassword(client.password, salt: salt, iterations: iterations)) ?? []
        let keys = Keys(
            clientKey: hash.hmac(key: salted, data: Array("Client Key".utf8)),
            serverKey: hash.hmac(key: salted, data: Array("Server Key".utf8)))
        entries.withLockedValue { $0[key] = keys }
        return keys
    }

    var count: Int { entries.withLockedValue { $0.count } }
}
