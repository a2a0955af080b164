import Foundation
import Testing
@testable import XMPPStream

/// Exchanges from RFC 5802 §5 (SCRAM-SHA-1) and RFC 7677 §3 (SCRAM-SHA-256).
struct SCRAMVector: Sendable, CustomTestStringConvertible {
    var hash: SCRAMHashFunction
    var clientNonce: String
    var serverNonceSuffix: String
    var salt: String
    var proof: String
    var serverSignature: String

    var testDescription: String { hash.mechanism }

    static let rfc5802 = SCRAMVector(
        hash: .sha1, clientNonce: "fyko+d2lbbFgONRv9qkxdawL", serverNonceSuffix: "3rfcNHYJY1ZVvWVs7j",
        salt: "QSXCR+Q6sek8bf92", proof: "v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
        serverSignature: "rmF9pqV8S7suAoZWja4dJRkFsKQ=")
    static let rfc7677 = SCRAMVector(
        hash: .sha256, clientNonce: "rOprNGfwEbeRWgbNEkqO",
        serverNonceSuffix: "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0", salt: "W22ZaJ0SNY7soEsUEjb6gQ==",
        proof: "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
        serverSignature: "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")

    var nonce: String { clientNonce + serverNonceSuffix }

    func credentials(password: String = "pencil") throws -> SCRAMCredentials {
        try SCRAMCredentials.derive(
            password: password, salt: Array(Data(base64Encoded: salt)!), iterations: 4096, hashFunction: hash)
    }

    func machine() -> SCRAMServerStateMachine {
        SCRAMServerStateMachine(hashFunction: hash, serverNonce: serverNonceSuffix)
    }
}

private func bytes(_ string: String) -> [UInt8] { Array(string.utf8) }

@Suite("SCRAM server")
struct SCRAMServerStateMachineTests {
    @Test(arguments: [SCRAMVector.rfc5802, .rfc7677])
    func rfcExchangeSucceeds(_ vector: SCRAMVector) throws {
        var machine = vector.machine()
        #expect(machine.receivedClientFirst(bytes("n,,n=user,r=\(vector.clientNonce)")) == .lookUpCredentials(username: "user"))
        let challenge = machine.credentialsReceived(try vector.credentials(), accountExists: true)
        #expect(challenge == .sendChallenge(bytes("r=\(vector.nonce),s=\(vector.salt),i=4096")))
        let action = machine.receivedClientFinal(bytes("c=biws,r=\(vector.nonce),p=\(vector.proof)"))
        #expect(action == .succeed(serverFinal: bytes("v=\(vector.serverSignature)"), username: "user", authzid: nil))
    }

    @Test(arguments: [SCRAMVector.rfc5802, .rfc7677])
    func wrongPasswordIsNotAuthorized(_ vector: SCRAMVector) throws {
        var machine = vector.machine()
        _ = machine.receivedClientFirst(bytes("n,,n=user,r=\(vector.clientNonce)"))
        _ = machine.credentialsReceived(try vector.credentials(password: "pencil2"), accountExists: true)
        #expect(machine.receivedClientFinal(bytes("c=biws,r=\(vector.nonce),p=\(vector.proof)")) == .fail(.notAuthorized))
    }

    @Test func unknownUserFailsOnlyAtTheProof() throws {
        let vector = SCRAMVector.rfc7677
        var machine = vector.machine()
        _ = machine.receivedClientFirst(bytes("n,,n=nobody,r=\(vector.clientNonce)"))
        let decoy = SCRAMCredentials.decoy(username: "nobody", secret: [1, 2, 3], iterations: 4096, hashFunction: .sha256)
        guard case .sendChallenge = machine.credentialsReceived(decoy, accountExists: false) else {
            Issue.record("expected a challenge for an unknown user")
            return
        }
        #expect(machine.receivedClientFinal(bytes("c=biws,r=\(vector.nonce),p=\(vector.proof)")) == .fail(.notAuthorized))
        // The decoy salt is stable per user, so repeated attempts don't reveal the account is missing.
        let again = SCRAMCredentials.decoy(username: "nobody", secret: [1, 2, 3], iterations: 4096, hashFunction: .sha256)
        #expect(again.salt == decoy.salt)
    }

    @Test func authzidAndEscapedNamesAreDecoded() throws {
        var machine = SCRAMVector.rfc5802.machine()
        #expect(machine.receivedClientFirst(bytes("n,a=ad=3Dmin,n=us=2Cer,r=abc")) == .lookUpCredentials(username: "us,er"))
    }

    @Test(arguments: [
        "",                                  // empty
        "p=tls-unique,,n=user,r=abc",        // channel binding requested, no -PLUS offered
        "x,,n=user,r=abc",                   // unknown cbind flag
        "n,,m=ext,n=user,r=abc",             // unknown mandatory extension
        "n,,n=user",                         // no nonce
        "n,,n=,r=abc",                       // empty user
        "n,,n=us=2Xer,r=abc",                // bad saslname escape
        "n,,n=user,r=a b",                   // nonce with a space
        "n,b=x,n=user,r=abc",                // authzid without a=
    ])
    func malformedClientFirstIsRejected(_ message: String) {
        var machine = SCRAMVector.rfc5802.machine()
        #expect(machine.receivedClientFirst(bytes(message)) == .fail(.malformedRequest))
    }

    @Test func clientFinalChecksBindingNonceAndEncoding() throws {
        let vector = SCRAMVector.rfc5802
        func exchange(_ final: String) throws -> SCRAMServerStateMachine.Action {
            var machine = vector.machine()
            _ = machine.receivedClientFirst(bytes("n,,n=user,r=\(vector.clientNonce)"))
            _ = machine.credentialsReceived(try vector.credentials(), accountExists: true)
            return machine.receivedClientFinal(bytes(final))
        }
        // c= for "y,," where "n,," was sent
        #expect(try exchange("c=eSws,r=\(vector.nonce),p=\(vector.proof)") == .fail(.malformedRequest))
        // nonce not extended by the server's part
        #expect(try exchange("c=biws,r=\(vector.clientNonce),p=\(vector.proof)") == .fail(.malformedRequest))
        #expect(try exchange("c=biws,r=\(vector.nonce),p=!!!") == .fail(.incorrectEncoding))
        #expect(try exchange("c=biws,r=\(vector.nonce),p=AAAA") == .fail(.malformedRequest))
        #expect(try exchange("c=biws,r=\(vector.nonce)") == .fail(.malformedRequest))
    }

    @Test func eventsOutOfOrderFail() throws {
        var machine = SCRAMVector.rfc5802.machine()
        #expect(machine.receivedClientFinal(bytes("c=biws,r=x,p=AAAA")) == .fail(.malformedRequest))
        var second = SCRAMVector.rfc5802.machine()
        _ = second.receivedClientFirst(bytes("n,,n=user,r=abc"))
        #expect(second.receivedClientFirst(bytes("n,,n=user,r=abc")) == .fail(.malformedRequest))
        // credentials for the other hash are a programming error, answered as a failure
        var third = SCRAMVector.rfc5802.machine()
        _ = third.receivedClientFirst(bytes("n,,n=user,r=abc"))
        #expect(third.credentialsReceived(try SCRAMVector.rfc7677.credentials(), accountExists: true) == .fail(.malformedRequest))
    }

    @Test func noncesAreFreshAndPrintable() {
        let first = SCRAMServerStateMachine.makeNonce()
        #expect(first != SCRAMServerStateMachine.makeNonce())
        #expect(SCRAMMessages.isValidNonce(first))
    }
}

@Suite("SASL PLAIN")
struct PLAINMessageTests {
    @Test func parsesWithAndWithoutAuthzid() throws {
        #expect(try PLAINMessage(parsing: bytes("\0juliet\0r0m30")) == PLAINMessage(authzid: nil, username: "juliet", password: "r0m30"))
        #expect(try PLAINMessage(parsing: bytes("admin\0juliet\0pw")).authzid == "admin")
    }

    @Test(arguments: ["juliet\0pw", "\0\0pw", "\0juliet\0", "\0juliet\0pw\0x"])
    func rejectsMalformed(_ message: String) {
        #expect(throws: SASLMechanismFailure.malformedRequest) { try PLAINMessage(parsing: bytes(message)) }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: SASLMechanismFailure.malformedRequest) { try PLAINMessage(parsing: [0, 0xFF, 0, 0x61]) }
    }

    @Test func verifiesAgainstStoredKeys() throws {
        let credentials = try SCRAMVector.rfc7677.credentials()
        #expect(try PLAINMessage(parsing: bytes("\0user\0pencil")).verify(against: credentials))
        #expect(try !PLAINMessage(parsing: bytes("\0user\0pencil!")).verify(against: credentials))
    }
}
