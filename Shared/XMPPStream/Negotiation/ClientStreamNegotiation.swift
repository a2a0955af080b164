import XMPPCore

/// RFC 6120 client-to-server stream negotiation as a pure state machine, shared
/// by the c2s listener and the BOSH gateway:
///
/// ```
/// header ─► features ─► [STARTTLS ─► restart] ─► SASL ─► restart ─► bind ─► established
/// ```
///
/// Parsed input goes in (a stream header, top-level elements, looked-up
/// credentials, the result of binding); an ordered list of `Output`s comes out
/// for the gateway to carry out. No I/O, no clock, no logging.
public struct ClientStreamNegotiation: Sendable {
    public enum Output: Sendable, Hashable {
        /// Write the opening stream header.
        case openStream(StreamReply)
        /// Write this element.
        case send(XMLElement)
        /// Write `<stream:error>` with this condition, then close the stream (RFC 6120 §4.9).
        case streamError(StreamError.Condition, text: String?)
        /// Close the stream (`</stream:stream>`) and then the connection.
        case closeStream
        /// After what was sent is flushed, start TLS on the connection (RFC 6120 §5.4.3.3).
        case startTLS
        /// Reset the XML parser: a new stream header comes next (RFC 6120 §4.3.3).
        case restartStream
        /// Fetch the credentials of this SASL user name and call `credentialsReceived`.
        case lookUpCredentials(username: String, hashFunction: SCRAMHashFunction)
        /// SASL succeeded for this (not yet normalised) user name.
        case authenticated(username: String)
        /// Bind a resource (the client's choice, or generate one) and call
        /// `bindSucceeded` or `bindFailed`.
        case bind(requestedResource: String?, iqID: String)
        /// A stanza from the established session: stamp and route it.
        case route(XMLElement)
        /// XEP-0352: the client says it is in use (`true`) or in the background.
        case clientState(active: Bool)
        /// XEP-0198 §3: set up stream management for the bound session, then
        /// call `streamManagementStarted()` and answer `<enabled/>` (or `<failed/>`).
        case enableStreamManagement(resume: Bool, requestedMaxSeconds: Int?)
        /// XEP-0198 §5: take over the session `previd`, whose client handled
        /// `handled` of our stanzas; then call `resumeSucceeded` or `resumeFailed`.
        case resumeStream(previd: String, handled: UInt32)
        /// XEP-0198 §4: the client asked how many of its stanzas were handled
        /// (`<r/>`); answer `<a h='handled'/>` once that count is durable.
        case acknowledgementRequested(handled: UInt32)
        /// XEP-0198 §4: the client handled this many of our stanzas (`<a/>`).
        case acknowledged(UInt32)
    }

    enum State: Sendable {
        case awaitingHeader
        case negotiating
        case authenticating(SASLExchange)
        case binding(iqID: String)
        /// Waiting for the gateway to take over a session (XEP-0198 §5).
        case resuming
        case established
        case closed
    }

    enum SASLExchange: Sendable {
        case scram(SCRAMServerStateMachine)
        case plain(PLAINMessage)
    }

    public let configuration: Configuration
    var state: State = .awaitingHeader
    public internal(set) var isSecured: Bool
    public internal(set) var authenticatedUser: String?
    public internal(set) var domain: String?
    var failedAuthentications = 0
    /// XEP-0198: the client's stanzas handled so far (mod 2³²), once stream
    /// management is enabled; `nil` before.
    public internal(set) var handledInbound: UInt32?

    /// - Parameter secured: the connection is already encrypted (direct TLS, XEP-0368).
    public init(configuration: Configuration, secured: Bool) {
        self.configuration = configuration
        self.isSecured = secured
    }

    // MARK: Stream header

    /// The client opened (or re-opened) its stream (RFC 6120 §4.7, §4.9.1.2: the
    /// reply header is sent even when the header is refused).
    public mutating func streamOpened(_ opening: StreamOpening, streamID: String) -> [Output] {
        guard case .awaitingHeader = state else { return fail(.unsupportedStanzaType, "unexpected stream header") }
        let requested = opening.to.map(Self.normaliseDomain)
        let reply = StreamReply(
            id: streamID, from: requested.flatMap { configuration.domains.contains($0) ? $0 : nil }
                ?? configuration.domains.sorted().first ?? "localhost",
            to: nil, language: opening.language ?? "en")
        var outputs: [Output] = [.openStream(reply)]
        if opening.namespace != NegotiationElements.streams || opening.name != "stream" {
            outputs += fail(.invalidNamespace, nil)
        } else if opening.defaultNamespace != "jabber:client" {
            outputs += fail(.invalidNamespace, "only jabber:client streams are served here")
        } else if !Self.isSupportedVersion(opening.version) {
            outputs += fail(.unsupportedVersion, "XMPP 1.0 is required")
        } else if let requested, configuration.domains.contains(requested), domain == nil || domain == requested {
            domain = requested
            state = .negotiating
            outputs.append(.send(features()))
        } else {
            outputs += fail(.hostUnknown, nil)
        }
        return outputs
    }

    // MARK: Top-level elements

    /// A top-level element of the stream.
    public mutating func received(_ element: XMLElement) -> [Output] {
        switch state {
        case .awaitingHeader, .closed:
            return fail(.notAuthorized, nil)
        case .negotiating:
            if authenticatedUser == nil { return negotiatePreAuthentication(element) }
            return negotiateBinding(element)
        case .authenticating:
            return continueSASL(with: element)
        case .binding, .resuming:
            // The gateway reads no further element until binding (or resuming) completes.
            return fail(.internalServerError, nil)
        case .established:
            return established(element)
        }
    }

    /// The client closed its stream: answer with our closing tag.
    public mutating func streamClosed() -> [Output] {
        state = .closed
        return [.closeStream]
    }

    private mutating func negotiatePreAuthentication(_ element: XMLElement) -> [Output] {
        switch (element.name, element.namespace) {
        case ("starttls", NegotiationElements.tls):
            guard !isSecured, configuration.tlsAvailable else {
                state = .closed
                return [.send(NegotiationElements.tlsFailure), .closeStream]
            }
            isSecured = true
            state = .awaitingHeader
            return [.send(NegotiationElements.proceed), .startTLS, .restartStream]
        case ("auth", NegotiationElements.sasl):
            return startSASL(element)
        case ("abort", NegotiationElements.sasl):
            return [.send(NegotiationElements.saslFailure("aborted"))]
        default:
            return rejectBeforeAuthentication(element)
        }
    }

    /// RFC 6120 §6.4 (and `shared/design.md`): stanzas before authentication end
    /// the stream with `<not-authorized/>`; other unknown elements with
    /// `<unsupported-stanza-type/>` (§4.9.3.24).
    private mutating func rejectBeforeAuthentication(_ element: XMLElement) -> [Output] {
        fail(Self.isStanza(element) ? .notAuthorized : .unsupportedStanzaType, nil)
    }
}
