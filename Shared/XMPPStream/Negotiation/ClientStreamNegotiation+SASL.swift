import XMPPCore

/// SASL (RFC 6120 §6) inside the negotiation.
extension ClientStreamNegotiation {
    /// Mechanisms offered now, strongest first. PLAIN only inside TLS.
    var offeredMechanisms: [String] {
        var mechanisms = [SCRAMHashFunction.sha256.mechanism, SCRAMHashFunction.sha1.mechanism]
        if isSecured || configuration.allowPLAINWithoutTLS { mechanisms.append("PLAIN") }
        return mechanisms
    }

    mutating func startSASL(_ auth: XMLElement) -> [Output] {
        if !isSecured && configuration.tlsRequired {
            return [.send(NegotiationElements.saslFailure("encryption-required"))]
        }
        let mechanism = auth[attribute: "mechanism"] ?? ""
        guard offeredMechanisms.contains(mechanism) else {
            let condition = mechanism == "PLAIN" ? "encryption-required" : "invalid-mechanism"
            return [.send(NegotiationElements.saslFailure(condition))]
        }
        let text = auth.text.trimmingASCIIWhitespace()
        if mechanism == "PLAIN" {
            // PLAIN without an initial response: ask for it with an empty challenge.
            if text.isEmpty {
                state = .authenticating(.plain(PLAINMessage(authzid: nil, username: "", password: "")))
                return [.send(NegotiationElements.challenge([]))]
            }
            return receivePLAIN(text)
        }
        let hash = SCRAMHashFunction(rawValue: mechanism)!
        let machine = SCRAMServerStateMachine(hashFunction: hash, serverNonce: configuration.makeNonce())
        if text.isEmpty {
            state = .authenticating(.scram(machine))
            return [.send(NegotiationElements.challenge([]))]
        }
        return receiveSCRAM(machine, initial: true, text: text)
    }

    mutating func continueSASL(with element: XMLElement) -> [Output] {
        guard element.namespace == NegotiationElements.sasl else { return fail(.notAuthorized, nil) }
        if element.name == "abort" {
            state = .negotiating
            return [.send(NegotiationElements.saslFailure("aborted"))]
        }
        guard element.name == "response" else { return fail(.notAuthorized, nil) }
        let text = element.text.trimmingASCIIWhitespace()
        switch currentExchange {
        case .plain(let pending) where pending.username.isEmpty:
            // PLAIN's initial response came as a <response/> to our empty challenge.
            return receivePLAIN(text)
        case .scram(let machine):
            return receiveSCRAM(machine, initial: !machine.hasReceivedClientFirst, text: text)
        default:
            return authenticationFailed("malformed-request")
        }
    }

    /// The answer to `.lookUpCredentials`: the user's credentials for that hash, or
    /// decoy credentials when the account does not exist.
    public mutating func credentialsReceived(_ credentials: SCRAMCredentials, accountExists: Bool) -> [Output] {
        switch currentExchange {
        case .scram(var machine):
            let action = machine.credentialsReceived(credentials, accountExists: accountExists)
            return carryOut(action, machine: machine)
        case .plain(let message):
            guard accountExists, message.verify(against: credentials) else {
                return authenticationFailed("not-authorized")
            }
            return succeed(username: message.username, authzid: message.authzid, data: [])
        case nil:
            return fail(.internalServerError, nil)
        }
    }

    /// The credentials could not be fetched (storage or Redis unavailable): RFC 6120
    /// §6.5.12 `temporary-auth-failure`; the client may try again.
    public mutating func credentialsUnavailable() -> [Output] {
        guard currentExchange != nil else { return fail(.internalServerError, nil) }
        state = .negotiating
        return [.send(NegotiationElements.saslFailure("temporary-auth-failure"))]
    }

    private mutating func receivePLAIN(_ text: String) -> [Output] {
        guard let bytes = Base64.decodeSASL(text) else { return authenticationFailed("incorrect-encoding") }
        do {
            let message = try PLAINMessage(parsing: bytes)
            state = .authenticating(.plain(message))
            return [.lookUpCredentials(username: message.username, hashFunction: .sha256)]
        } catch {
            return authenticationFailed(error.rawValue)
        }
    }

    private mutating func receiveSCRAM(_ machine: SCRAMServerStateMachine, initial: Bool, text: String) -> [Output] {
        guard let bytes = Base64.decodeSASL(text) else { return authenticationFailed("incorrect-encoding") }
        var machine = machine
        let action = initial ? machine.receivedClientFirst(bytes) : machine.receivedClientFinal(bytes)
        return carryOut(action, machine: machine)
    }

    private mutating func carryOut(_ action: SCRAMServerStateMachine.Action, machine: SCRAMServerStateMachine) -> [Output] {
        switch action {
        case .lookUpCredentials(let username):
            state = .authenticating(.scram(machine))
            return [.lookUpCredentials(username: username, hashFunction: machine.hashFunction)]
        case .sendChallenge(let data):
            state = .authenticating(.scram(machine))
            return [.send(NegotiationElements.challenge(data))]
        case .succeed(let serverFinal, let username, let authzid):
            return succeed(username: username, authzid: authzid, data: serverFinal)
        case .fail(let failure):
            return authenticationFailed(failure.rawValue)
        }
    }

    private mutating func succeed(username: String, authzid: String?, data: [UInt8]) -> [Output] {
        // An authzid may only name the user's own bare JID (RFC 6120 §6.3.8).
        if let authzid, !authzid.isEmpty, authzid.lowercased() != "\(username)@\(domain ?? "")".lowercased() {
            return authenticationFailed("invalid-authzid")
        }
        authenticatedUser = username
        state = .awaitingHeader
        return [.send(NegotiationElements.success(data)), .authenticated(username: username), .restartStream]
    }

    private mutating func authenticationFailed(_ condition: String) -> [Output] {
        failedAuthentications += 1
        state = .negotiating
        let failure = Output.send(NegotiationElements.saslFailure(condition))
        if failedAuthentications >= configuration.maxAuthenticationFailures {
            return [failure] + fail(.policyViolation, "too many failed authentication attempts")
        }
        return [failure]
    }
}

extension ClientStreamNegotiation {
    var currentExchange: SASLExchange? {
        if case .authenticating(let exchange) = state { return exchange }
        return nil
    }
}

extension String {
    func trimmingASCIIWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !" \t\r\n".unicodeScalars.contains($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !" \t\r\n".unicodeScalars.contains($0) })!
        return String(scalars[first...last])
    }
}
