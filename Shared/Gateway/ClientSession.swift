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
    public internal(set) var boundJID: JID?
    /// The session's registry record as this gateway last wrote it; the
    /// endpoint's registration (read to register the session again after the
    /// registry lost it) follows it.
    var record: SessionRecord? {
        didSet {
            guard let record, let jid = boundJID else { return }
            endpoint?.registration = SessionRegistration(jid: jid, record: record)
        }
    }
    var endpoint: SessionEndpoint?
    /// XEP-0198: set once the client enabled stream management (or resumed).
    var management: ManagedSession?
    /// The stream ended in a way that rules out a resumption (the client
    /// closed it, or it broke a rule), rather than by a lost connection.
    var endedForGood = false
    /// Stanzas to write after `pending` through the endpoint, which queues
    /// them for a resumption (only while stream management is on).
    var pendingStanzas: [String] = []
    /// Stamped stanzas waiting to be handed to the routers together
    /// (`flushRoutes`), in the order they arrived.
    var routeQueue: [RouteQueue.Submission] = []

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
        await handle(event, routeLater: false)
    }

    /// Handles one event of several parsed together: stanzas for the routers
    /// may wait in `routeQueue` so that they are handed over in one round trip;
    /// the caller calls `flushRoutes()` after the last event it has.
    public func handle(_ event: XMLStreamEvent, routeLater: Bool) async {
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
        if !routeLater { await flushRoutes() }
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
        await flushRoutes()
        isClosed = true
        guard let jid = boundJID, let record else { return }
        if await detachManagedSession() {
            boundJID = nil
            return
        }
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
            if case .route = output {} else { await flushRoutes() }
            switch output {
            case .openStream(let reply):
                pending += reply.text
            case .send(let element):
                enqueue(element)
                if let account = attemptedAccount, Self.isNotAuthorized(element) {
                    attemptedAccount = nil
                    GatewayMetrics.authentication("failure")
                    try? await environment.authenticationThrottle.recordFailure(account)
                }
            case .streamError(let condition, let text):
                await fail(StreamError(condition, text: text))
            case .closeStream:
                endedForGood = true
                await flushStanzas()
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
            case .clientState(let active):
                await endpoint?.clientStateChanged(active: active)
            case .enableStreamManagement(let resume, let requestedMaxSeconds):
                await enableManagement(resume: resume, requestedMaxSeconds: requestedMaxSeconds)
            case .resumeStream(let previd, let handled):
                await flush()
                await resume(previd: previd, handled: handled)
            case .acknowledgementRequested(let handled):
                await answerAcknowledgementRequest(handled: handled)
            case .acknowledged(let handled):
                await acknowledgementReceived(handled)
            }
        }
    }

    func flush() async {
        if !pending.isEmpty {
            let text = pending
            pending = ""
            if !(await transport.write(text)) { isClosed = true }
        }
        await flushStanzas()
    }

    /// Queues a stanza or nonza for the client: stanzas of a managed stream
    /// go through the endpoint (XEP-0198 counts and queues them).
    func enqueue(_ element: XMLElement) {
        let text = element.serialized(in: .clientStream)
        if management != nil, element.namespace == XMPPNamespace.client, ["message", "presence", "iq"].contains(element.name) {
            pendingStanzas.append(text)
        } else {
            pending += text
        }
    }

    func flushStanzas() async {
        guard !pendingStanzas.isEmpty, let endpoint else { return }
        let stanzas = pendingStanzas
        pendingStanzas = []
        _ = await endpoint.send(local: stanzas)
    }

    func fail(_ error: StreamError) async {
        if ![.systemShutdown, .connectionTimeout].contains(error.condition) { endedForGood = true }
        await flushStanzas()
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
}
