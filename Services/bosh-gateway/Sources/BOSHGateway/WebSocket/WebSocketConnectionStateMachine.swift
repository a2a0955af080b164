import NIOCore
import NIOWebSocket

/// The WebSocket side of one XMPP WebSocket connection (RFC 6455 §5.5, RFC
/// 7395 §3.2, §3.6), as a pure state machine: which messages reach the XMPP
/// session, pings, and the closing handshake. The XMPP stream itself is the
/// `ClientSession`'s; `XMPPWebSocketHandler` carries out the actions.
struct WebSocketConnectionStateMachine {
    enum State: Equatable {
        /// Messages flow.
        case open
        /// We sent our close frame (after `<close/>`); waiting for the client's.
        case closeSent
        /// Both close frames exchanged, or the connection is gone.
        case closed
    }

    enum Action: Equatable {
        /// Hand this to the XMPP session, in order.
        case deliver(WebSocketInput)
        /// Answer a ping with the same application data (RFC 6455 §5.5.3).
        case pong(ByteBuffer)
        /// Send a close frame with this status (RFC 6455 §5.5.1, §7.4).
        case sendClose(WebSocketErrorCode)
        /// Close the TCP connection if the client has not within the close timeout.
        case closeAfterTimeout
        /// Close the TCP connection now.
        case closeChannel
        /// No more input for the XMPP session: it ends and leaves the cluster.
        case finishInput
    }

    private(set) var state: State = .open
    /// The session was handed an error and is ending: read no further message.
    private(set) var inputEnded = false
    let reader: WebSocketMessageReader

    init(reader: WebSocketMessageReader) {
        self.reader = reader
    }

    // MARK: Frames from the client

    /// A whole text message (fragments already joined).
    mutating func textReceived(_ bytes: some Collection<UInt8>) -> [Action] {
        guard state == .open, !inputEnded else { return [] }
        return deliver(reader.read(bytes))
    }

    /// RFC 7395 §3.2: XMPP messages are text, UTF-8; a binary one is an
    /// improperly encoded stream (RFC 6120 §4.9.3.22).
    mutating func binaryReceived() -> [Action] {
        guard state == .open, !inputEnded else { return [] }
        return deliver(.streamError(.unsupportedEncoding, text: "RFC 7395 carries XMPP in text messages only"))
    }

    mutating func pingReceived(_ data: ByteBuffer) -> [Action] {
        state == .closed ? [] : [.pong(data)]
    }

    /// The client's close frame: the reply to ours, or its own start of the
    /// closing handshake, which we answer (RFC 6455 §5.5.1).
    mutating func closeReceived() -> [Action] {
        switch state {
        case .open:
            state = .closed
            return [.sendClose(.normalClosure), .closeChannel, .finishInput]
        case .closeSent:
            state = .closed
            return [.closeChannel, .finishInput]
        case .closed:
            return []
        }
    }

    /// A message over `max_stanza_size` that the frame decoder or the
    /// fragment aggregator refused before buffering it (RFC 6120 §4.9.3.14).
    mutating func messageTooLarge() -> [Action] {
        guard state == .open, !inputEnded else { return [] }
        return deliver(.streamError(.policyViolation, text: "message exceeds max_stanza_size"))
    }

    /// Frames that break RFC 6455 itself (a bad fragment sequence, a control
    /// frame too long): nothing XMPP can be said on the connection any more.
    mutating func protocolViolated() -> [Action] {
        guard state != .closed else { return [] }
        state = .closed
        return [.sendClose(.protocolError), .closeChannel, .finishInput]
    }

    // MARK: The session and the connection

    /// The XMPP session closed its stream (`<close/>` is out): start the
    /// closing handshake (RFC 7395 §3.6).
    mutating func sessionClosed() -> [Action] {
        guard state == .open else { return [] }
        state = .closeSent
        inputEnded = true
        return [.sendClose(.normalClosure), .closeAfterTimeout]
    }

    mutating func channelInactive() -> [Action] {
        let wasClosed = state == .closed
        state = .closed
        return wasClosed ? [] : [.finishInput]
    }

    private mutating func deliver(_ input: WebSocketInput) -> [Action] {
        if case .streamError = input { inputEnded = true }
        return [.deliver(input)]
    }
}
