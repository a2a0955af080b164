import Cluster
import Logging
import XMPPCore
import XMPPStream

/// One client's XMPP session on a gateway: drives `ClientStreamNegotiation`
/// with parsed stream events and carries out what it asks — writes, TLS,
/// credential lookups, binding in the session registry — then stamps and routes
/// the stanzas of the established session (docs/c2s.md).
///
/// Owned by one task; events are handled strictly one after the other, so a
/// stanza never overtakes the lookup or binding before it.
public final class ClientSession {
    public let streamID: String
    let environment: GatewayEnvironment
    let transport: any SessionTransport
    var negotiation: ClientStreamNegotiation
    var logger: Logger

    /// Set when the negotiation restarts the stream; the reader resets its parser.
    public private(set) var restartRequested = false
    /// The stream is over (closed or failed); read nothing more.
    public private(set) var isClosed = false
    var headerSent = false
    var pending = ""
    var username: String?
    /// The account whose credentials were last looked up: a SASL failure that
    /// follows counts against it (`AccountAuthenticationThrottle`).
    var attemptedAccount: String?
    public private(set) var boundJID: JID?
    var record: SessionRecord?
    var endpoint: SessionEndpoint?

    public init(
        environment: GatewayEnvironment, transport: any SessionTransport, configuration: ClientStreamNegotiation.Configuration,
        secured: Bool, streamID: String = ClientSession.makeStreamID()
    ) {
        self.streamID = streamID
        self.environment = environment
        self.transport = transport
        self.negotiation = ClientStreamNegotiation(configuration: configuration, secured: secured)
        var logger = environment.logger
        logger[metadataKey: "stream.id"] = .string(streamID)
        self.logger = logger
    }

    public static func makeStreamID() -> String {
        (0..<16).map { _ in String(UInt8.random(in: 0...15), radix: 16) }.joined()
    }

    // MARK: Input

    /// Handles one parsed event; the caller resets its parser when
    /// `restartRequested` turns true, and stops reading when `isClosed` does.
    public func handle(_ event: XMLStreamEvent) async {
        guard !isClosed else { return }
        restartRequested = false
        switch event {
        case .streamOpen(let header):
            headerSent = true
            await carryOut(negotiation.streamOpened(StreamOpening(header), streamID: streamID))
        case .stanza(let element):
            await carryOut(negotiation.received(element))
        case .streamClose:
            await carryOut(negotiation.streamClosed())
        }
        await flush()
    }

    /// The input broke the XML rules: end the stream with the matching error.
    public func handle(_ error: XMLStreamError) async {
        guard !isClosed else { return }
        logger.info("closing stream: bad XML", metadata: ["error": "\(error.conditionName)"])
        await fail(StreamError(StreamError.Condition(rawValue: error.conditionName) ?? .notWellFormed, text: error.text))
    }

    /// Ends the stream from the server side (timeouts, shutdown).
    public func end(with condition: StreamError.Condition, text: String? = nil) async {
        guard !isClosed else { return }
        await fail(StreamError(condition, text: text))
    }

    /// The connection is gone: leave the registry, tell contacts if we were available.
    public func finish() async {
        isClosed = true
        guard let jid = boundJID, let record else { return }
        environment.sessions.remove(jid: jid.description, sessionID: streamID)
        do {
            try await environment.registry.unbind(jid, session: streamID)
        } catch {
            logger.warning("could not unregister the session; the sweeper will", metadata: ["error": "\(error)"])
        }
        if record.available {
            let unavailable = XMLElement(
                "presence", namespace: XMPPNamespace.client, attributes: ["type": "unavailable", "from": jid.description])
            do {
                try await environment.routes.submit(unavailable, from: jid)
            } catch {
                logger.warning("could not route the unavailable presence; the sweeper will", metadata: ["error": "\(error)"])
            }
        }
        boundJID = nil
    }

    // MARK: Outputs

    func carryOut(_ outputs: [ClientStreamNegotiation.Output]) async {
        for output in outputs {
            guard !isClosed else { return }
            switch output {
            case .openStream(let reply):
                pending += reply.text
            case .send(let element):
                pending += element.serialized(in: .clientStream)
                if let account = attemptedAccount, Self.isNotAuthorized(element) {
                    attemptedAccount = nil
                    GatewayMetrics.authentication("failure")
                    try? await environment.authenticationThrottle.recordFailure(account)
                }
            case .streamError(let condition, let text):
                await fail(StreamError(condition, text: text))
            case .closeStream:
                pending += "</stream:stream>"
                await flush()
                isClosed = true
                await transport.close()
            case .startTLS:
                let text = pending
                pending = ""
                if !(await transport.writeThenStartTLS(text)) {
                    isClosed = true
                    await transport.close()
                }
            case .restartStream:
                restartRequested = true
            case .lookUpCredentials(let username, let hashFunction):
                await flush()
                await carryOut(await lookUp(username: username, hashFunction: hashFunction))
            case .authenticated(let username):
                self.username = username
                GatewayMetrics.authentication("success")
                if let account = attemptedAccount {
                    attemptedAccount = nil
                    try? await environment.authenticationThrottle.reset(account)
                }
                logger[metadataKey: "user"] = .string(username)
            case .bind(let requested, _):
                await flush()
                await carryOut(await bind(requested))
            case .route(let stanza):
                await route(stanza)
            }
        }
    }

    func flush() async {
        guard !pending.isEmpty else { return }
        let text = pending
        pending = ""
        if !(await transport.write(text)) { isClosed = true }
    }

    func fail(_ error: StreamError) async {
        if !headerSent {
            // RFC 6120 §4.9.1.2: open our stream before the error even if the client's header never came.
            headerSent = true
            let domain = negotiation.configuration.domains.sorted().first ?? "localhost"
            pending += StreamReply(id: streamID, from: domain, to: nil, language: "en").text
        }
        pending += error.closingText
        await flush()
        isClosed = true
        await transport.close()
    }

    // MARK: SASL

    func lookUp(username: String, hashFunction: SCRAMHashFunction) async -> [ClientStreamNegotiation.Output] {
        let domain = negotiation.domain ?? ""
        let decoy = SCRAMCredentials.decoy(
            username: username, secret: environment.decoySecret, iterations: 4096, hashFunction: hashFunction)
        // A name that is no valid localpart cannot be an account.
        guard let jid = try? JID(localpart: username, domainpart: domain) else {
            return negotiation.credentialsReceived(decoy, accountExists: false)
        }
        do {
            guard try await environment.authenticationThrottle.mayTry(jid.description) else {
                logger.notice("authentication refused: too many failures on the account")
                GatewayMetrics.authentication("throttled")
                return negotiation.credentialsUnavailable()
            }
            attemptedAccount = jid.description
            if let credentials = try await environment.credentials.credentials(
                username: jid.localpart ?? username, domain: jid.domainpart, hashFunction: hashFunction)
            {
                return negotiation.credentialsReceived(credentials, accountExists: true)
            }
            return negotiation.credentialsReceived(decoy, accountExists: false)
        } catch {
            logger.warning("credentials unavailable", metadata: ["error": "\(error)"])
            GatewayMetrics.authentication("unavailable")
            return negotiation.credentialsUnavailable()
        }
    }

    /// A SASL `<failure><not-authorized/></failure>` (RFC 6120 §6.5.10).
    static func isNotAuthorized(_ element: XMLElement) -> Bool {
        element.name == "failure" && element.namespace == XMPPNamespace.sasl
            && element.elements.first?.name == "not-authorized"
    }

    // MARK: Binding

    func bind(_ requested: String?) async -> [ClientStreamNegotiation.Output] {
        guard let username, let domain = negotiation.domain else { return negotiation.bindFailed(type: "cancel", condition: "not-allowed") }
        let resource = requested ?? "trellis-" + ClientSession.makeStreamID().prefix(8)
        guard let jid = try? JID(localpart: username, domainpart: domain, resourcepart: resource) else {
            return negotiation.bindFailed(type: "modify", condition: "bad-request")
        }
        let record = SessionRecord(node: environment.node.rawValue, session: streamID)
        let outcome: SessionRegistry.BindOutcome
        do {
            outcome = try await environment.registry.bind(jid, record: record, maxResources: environment.maxResourcesPerAccount)
        } catch {
            logger.warning("could not bind: registry unavailable", metadata: ["error": "\(error)"])
            return negotiation.bindFailed(type: "wait", condition: "internal-server-error")
        }
        switch outcome {
        case .resourceConstraint:
            return negotiation.bindFailed(type: "wait", condition: "resource-constraint")
        case .replaced(let old):
            await closeReplaced(old, jid: jid)
        case .bound:
            break
        }
        let endpoint = SessionEndpoint(
            sessionID: streamID, transport: transport, registration: SessionRegistration(jid: jid, record: record))
        environment.sessions.add(endpoint, jid: jid.description)
        self.endpoint = endpoint
        self.record = record
        boundJID = jid
        logger[metadataKey: "jid"] = .string(jid.description)
        logger.info("session bound")
        return negotiation.bindSucceeded(fullJID: jid.description)
    }

    /// RFC 6120 §7.7.2.2: the new session wins; the old one gets `<conflict/>`.
    func closeReplaced(_ old: SessionRecord, jid: JID) async {
        if old.node == environment.node.rawValue {
            if let target = environment.sessions.target(for: jid.description), target.sessionID == old.session {
                await target.close(with: .conflict)
            }
            return
        }
        guard let node = NodeID(old.node) else { return }
        do {
            try await environment.redis.deliver(
                .close(to: jid.description, session: old.session, condition: .conflict), to: node, keys: environment.keys)
        } catch {
            logger.warning("could not tell the replaced session to close", metadata: ["error": "\(error)"])
        }
    }

    // MARK: Routing

    func route(_ element: XMLElement) async {
        guard let jid = boundJID, var record else { return }
        var stanza = element
        switch StanzaStamping.stamp(&stanza, sender: jid) {
        case .spoofed:
            await fail(StreamError(.invalidFrom, text: "from does not match the session's JID"))
            return
        case .stamped:
            break
        }
        let wasAvailable = record.available
        if let updated = SessionPresenceTracking.apply(stanza, to: record), updated != record {
            record = updated
            self.record = updated
            endpoint?.registration = SessionRegistration(jid: jid, record: updated)
            do {
                try await environment.registry.update(jid, record: updated)
            } catch {
                logger.warning("could not update the session record", metadata: ["error": "\(error)"])
            }
        }
        do {
            let initial = !wasAvailable && record.available && stanza.name == "presence"
            try await environment.routes.submit(stanza, from: jid, initialPresence: initial)
            GatewayMetrics.stanzaRouted(kind: stanza.name)
        } catch {
            // Not accepted: tell the sender rather than drop it silently.
            logger.warning("could not hand a stanza to the routers", metadata: ["error": "\(error)"])
            if let reply = stanza.errorReply(StanzaError(.internalServerError, type: .wait, text: "the cluster is unavailable, try again")) {
                pending += reply.serialized(in: .clientStream)
            }
        }
    }
}
