import Foundation

/// The server side of one SCRAM exchange (RFC 5802 §5, RFC 7677), as a pure state
/// machine: messages and looked-up credentials go in, actions come out. The
/// caller does the I/O: it fetches credentials when asked, sends challenges and
/// the final result.
///
/// ```
/// initial ──client-first──► awaitingCredentials ──credentials──► awaitingClientFinal ──client-final──► finished
///            (lookUpCredentials)                  (sendChallenge)                       (succeed | fail)
/// ```
public struct SCRAMServerStateMachine: Sendable {
    public enum Action: Sendable, Hashable {
        /// Fetch the stored credentials of `username` (a SASL name, not yet normalised)
        /// and call `credentialsReceived(_:)`.
        case lookUpCredentials(username: String)
        /// Send this `server-first-message` as a `<challenge/>`.
        case sendChallenge([UInt8])
        /// The client proved itself: send `<success/>` with this `server-final-message`.
        case succeed(serverFinal: [UInt8], username: String, authzid: String?)
        /// Send `<failure/>` with this condition; the exchange is over.
        case fail(SASLMechanismFailure)
    }

    private enum State: Sendable {
        case initial
        case awaitingCredentials(SCRAMMessages.ClientFirst)
        case awaitingClientFinal(
            SCRAMMessages.ClientFirst, serverFirst: String, nonce: String, credentials: SCRAMCredentials,
            known: Bool)
        case finished
    }

    public let hashFunction: SCRAMHashFunction
    private let serverNonce: String
    private var state: State = .initial

    /// - Parameter serverNonce: fresh random printable characters (no comma); use
    ///   `SCRAMServerStateMachine.makeNonce()`.
    public init(hashFunction: SCRAMHashFunction, serverNonce: String) {
        self.hashFunction = hashFunction
        self.serverNonce = serverNonce
    }

    /// The client's first message was accepted (the exchange is past its first step).
    public var hasReceivedClientFirst: Bool {
        if case .initial = state { return false }
        return true
    }

    /// 24 random bytes as base64: a nonce with 192 bits of entropy.
    public static func makeNonce() -> String {
        Data((0..<24).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
    }

    /// The `<auth/>` element's initial response (`client-first-message`).
    public mutating func receivedClientFirst(_ message: [UInt8]) -> Action {
        guard case .initial = state else { return fail(.malformedRequest) }
        guard let text = String(validating: message, as: UTF8.self) else { return fail(.malformedRequest) }
        do {
            let first = try SCRAMMessages.parseClientFirst(text)
            state = .awaitingCredentials(first)
            return .lookUpCredentials(username: first.username)
        } catch {
            return fail(error)
        }
    }

    /// The answer to `lookUpCredentials`: the account's credentials for this hash,
    /// or `decoy` credentials when the account does not exist (the exchange then
    /// fails at the proof, like a wrong password would).
    public mutating func credentialsReceived(_ credentials: SCRAMCredentials, accountExists: Bool) -> Action {
        guard case .awaitingCredentials(let first) = state, credentials.hashFunction == hashFunction else {
            return fail(.malformedRequest)
        }
        let nonce = first.clientNonce + serverNonce
        let serverFirst =
            "r=\(nonce),s=\(Data(credentials.salt).base64EncodedString()),i=\(credentials.iterations)"
        state = .awaitingClientFinal(
            first, serverFirst: serverFirst, nonce: nonce, credentials: credentials, known: accountExists)
        return .sendChallenge(Array(serverFirst.utf8))
    }

    /// The `<response/>` element's content (`client-final-message`).
    public mutating func receivedClientFinal(_ message: [UInt8]) -> Action {
        guard case .awaitingClientFinal(let first, let serverFirst, let nonce, let credentials, let known) = state
        else { return fail(.malformedRequest) }
        guard let text = String(validating: message, as: UTF8.self) else { return fail(.malformedRequest) }
        let final: SCRAMMessages.ClientFinal
        do {
            final = try SCRAMMessages.parseClientFinal(text)
        } catch {
            return fail(error)
        }
        // c= must carry exactly the gs2-header we saw (no channel binding data).
        guard let binding = Data(base64Encoded: final.channelBinding) else { return fail(.incorrectEncoding) }
        guard Array(binding) == Array(first.gs2Header.utf8), final.nonce == nonce else {
            return fail(.malformedRequest)
        }
        guard let proof = Data(base64Encoded: final.proof) else { return fail(.incorrectEncoding) }
        guard proof.count == hashFunction.outputByteCount else { return fail(.malformedRequest) }

        let authMessage = Array("\(first.bare),\(serverFirst),\(final.withoutProof)".utf8)
        let clientSignature = hashFunction.hmac(key: credentials.storedKey, data: authMessage)
        let clientKey = zip(proof, clientSignature).map { $0 ^ $1 }
        let candidate = hashFunction.hash(clientKey)
        guard known, Self.constantTimeEqual(candidate, credentials.storedKey) else {
            return fail(.notAuthorized)
        }
        let serverSignature = hashFunction.hmac(key: credentials.serverKey, data: authMessage)
        state = .finished
        let serverFinal = "v=" + Data(serverSignature).base64EncodedString()
        return .succeed(serverFinal: Array(serverFinal.utf8), username: first.username, authzid: first.authzid)
    }

    private mutating func fail(_ failure: SASLMechanismFailure) -> Action {
        state = .finished
        return .fail(failure)
    }

    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}
