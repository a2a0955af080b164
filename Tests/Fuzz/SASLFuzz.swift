// libFuzzer target for the SASL message parsers and the SCRAM server state
// machine, built and run by `scripts/fuzz scram` (not part of `swift build`;
// see docs/fuzzing.md). The harness is compiled in one module with
// Shared/XMPPStream/SASL, linked against swift-crypto.
//
// The first input byte is a control byte: bit 0 picks SCRAM-SHA-1 or
// SCRAM-SHA-256, bit 1 whether the account exists, bits 2–3 the mode. The rest
// is the message(s); SCRAM modes split it at the first NUL into client-first
// and client-final. One account has fixed credentials (password "pencil").
//
// Oracles:
// - PLAIN: an accepted message re-assembles to the same bytes, and its
//   password verifies against the stored credentials exactly when it is the
//   account's password.
// - SCRAM, fuzzer's proof: the exchange never succeeds unless the proof is the
//   right one; a refused client-first ends the exchange.
// - SCRAM, right proof: the harness appends the correct `p=` for whatever
//   client-final-without-proof the fuzzer wrote. For an existing account the
//   exchange must not fail with not-authorized, and a success must carry the
//   right server signature, user name and authzid; for an unknown account it
//   must never succeed.
// - Parsers alone: accepted messages split into parts that join back to the
//   input, and saslname escaping round-trips.
// After any success or failure every further message fails.
import Foundation

private let password = "pencil"
private let salt: [UInt8] = Array("fuzz-salt-16byte".utf8)
private let iterations = 64
private let serverNonce = "3rfcNHYJY1ZVvWVs7j"
private let credentials: [SCRAMHashFunction: SCRAMCredentials] = Dictionary(
    uniqueKeysWithValues: SCRAMHashFunction.allCases.map { hash in
        (hash, try! SCRAMCredentials.derive(password: password, salt: salt, iterations: iterations, hashFunction: hash))
    })
private let clientKeys: [SCRAMHashFunction: [UInt8]] = Dictionary(
    uniqueKeysWithValues: SCRAMHashFunction.allCases.map { hash in
        let salted = try! hash.saltedPassword(password, salt: salt, iterations: iterations)
        return (hash, hash.hmac(key: salted, data: Array("Client Key".utf8)))
    })

func fuzzSASL(_ input: UnsafeRawBufferPointer) {
    guard let control = input.first else { return }
    let hash: SCRAMHashFunction = control & 1 == 0 ? .sha1 : .sha256
    let accountExists = control & 2 != 0
    let rest = Array(input.dropFirst())
    switch (control >> 2) & 3 {
    case 0: fuzzPLAIN(rest, hash: hash)
    case 1: fuzzSCRAMExchange(rest, hash: hash, accountExists: accountExists, rightProof: false)
    case 2: fuzzSCRAMExchange(rest, hash: hash, accountExists: accountExists, rightProof: true)
    default: fuzzSCRAMParsers(rest)
    }
}

private func fuzzPLAIN(_ bytes: [UInt8], hash: SCRAMHashFunction) {
    guard let message = try? PLAINMessage(parsing: bytes) else { return }
    let reassembled = Array((message.authzid ?? "").utf8) + [0] + Array(message.username.utf8) + [0] + Array(message.password.utf8)
    guard reassembled == bytes, !message.username.isEmpty, !message.password.isEmpty else {
        fatalError("PLAIN message does not re-assemble: \(bytes)")
    }
    guard message.verify(against: credentials[hash]!) == (message.password == password) else {
        fatalError("PLAIN password \(Array(message.password.utf8)) verified wrongly")
    }
}

private func fuzzSCRAMExchange(_ bytes: [UInt8], hash: SCRAMHashFunction, accountExists: Bool, rightProof: Bool) {
    let separator = bytes.firstIndex(of: 0) ?? bytes.endIndex
    let clientFirst = Array(bytes[..<separator])
    let fuzzerFinal = separator < bytes.endIndex ? Array(bytes[(separator + 1)...]) : []
    var machine = SCRAMServerStateMachine(hashFunction: hash, serverNonce: serverNonce)

    let first: SCRAMMessages.ClientFirst
    switch machine.receivedClientFirst(clientFirst) {
    case .fail:
        expectFinished(&machine, "after a refused client-first")
        return
    case .lookUpCredentials(let username):
        guard let text = String(validating: clientFirst, as: UTF8.self),
            let parsed = try? SCRAMMessages.parseClientFirst(text), parsed.username == username
        else { fatalError("client-first accepted with a user name the parser does not give: \(clientFirst)") }
        first = parsed
    case let other:
        fatalError("client-first answered with \(other)")
    }

    let serverFirst: String
    switch machine.credentialsReceived(credentials[hash]!, accountExists: accountExists) {
    case .sendChallenge(let challenge):
        serverFirst = String(decoding: challenge, as: UTF8.self)
        let expected = "r=\(first.clientNonce)\(serverNonce),s=\(Data(salt).base64EncodedString()),i=\(iterations)"
        guard serverFirst == expected else { fatalError("server-first \(serverFirst), expected \(expected)") }
    case let other:
        fatalError("credentials answered with \(other)")
    }

    // The proof for a given client-final-without-proof (RFC 5802 §3).
    func proof(for withoutProof: String) -> [UInt8] {
        let authMessage = Array("\(first.bare),\(serverFirst),\(withoutProof)".utf8)
        let signature = hash.hmac(key: credentials[hash]!.storedKey, data: authMessage)
        return zip(clientKeys[hash]!, signature).map { $0 ^ $1 }
    }

    var final = fuzzerFinal
    if rightProof {
        guard let withoutProof = String(validating: fuzzerFinal, as: UTF8.self) else { return }
        final = Array("\(withoutProof),p=\(Data(proof(for: withoutProof)).base64EncodedString())".utf8)
    }
    let action = machine.receivedClientFinal(final)
    switch action {
    case .succeed(let serverFinal, let username, let authzid):
        guard accountExists, let text = String(validating: final, as: UTF8.self),
            let parsed = try? SCRAMMessages.parseClientFinal(text),
            Data(base64Encoded: parsed.proof).map(Array.init) == proof(for: parsed.withoutProof)
        else { fatalError("SCRAM accepted without the right proof (account exists: \(accountExists)): \(clientFirst) / \(final)") }
        let authMessage = Array("\(first.bare),\(serverFirst),\(parsed.withoutProof)".utf8)
        let expected = "v=" + Data(hash.hmac(key: credentials[hash]!.serverKey, data: authMessage)).base64EncodedString()
        guard String(decoding: serverFinal, as: UTF8.self) == expected, username == first.username, authzid == first.authzid else {
            fatalError("SCRAM success with wrong server-final, user name or authzid: \(clientFirst) / \(final)")
        }
    case .fail(.notAuthorized) where rightProof && accountExists:
        fatalError("SCRAM refused the right proof: \(clientFirst) / \(final)")
    case .fail:
        break
    case let other:
        fatalError("client-final answered with \(other)")
    }
    expectFinished(&machine, "after the client-final")
}

private func expectFinished(_ machine: inout SCRAMServerStateMachine, _ when: String) {
    guard machine.receivedClientFinal(Array("c=biws,r=x,p=AAAA".utf8)) == .fail(.malformedRequest),
        machine.receivedClientFirst(Array("n,,n=user,r=abc".utf8)) == .fail(.malformedRequest)
    else { fatalError("the exchange goes on \(when)") }
}

private func fuzzSCRAMParsers(_ bytes: [UInt8]) {
    let separator = bytes.firstIndex(of: 0) ?? bytes.endIndex
    if let text = String(validating: bytes[..<separator], as: UTF8.self),
        let first = try? SCRAMMessages.parseClientFirst(text)
    {
        guard first.gs2Header + first.bare == text, first.gs2Header.hasPrefix("n,") || first.gs2Header.hasPrefix("y,"),
            !first.username.isEmpty, SCRAMMessages.isValidNonce(first.clientNonce),
            first.bare.hasPrefix("n="), first.bare.contains(",r=\(first.clientNonce)")
        else { fatalError("client-first parts do not join back: \(text) → \(first)") }
        let escaped = first.username.replacingOccurrences(of: "=", with: "=3D").replacingOccurrences(of: ",", with: "=2C")
        guard (try? SCRAMMessages.decodeSASLName(Substring(escaped))) == first.username else {
            fatalError("saslname escaping does not round-trip: \(first.username)")
        }
    }
    if separator < bytes.endIndex, let text = String(validating: bytes[(separator + 1)...], as: UTF8.self),
        let final = try? SCRAMMessages.parseClientFinal(text)
    {
        guard final.withoutProof + ",p=" + final.proof == text,
            final.withoutProof.hasPrefix("c=\(final.channelBinding),r=\(final.nonce)")
        else { fatalError("client-final parts do not join back: \(text) → \(final)") }
    }
}

#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    fuzzSASL(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
#endif
