import XMPPCore

/// Turns what a `ClientSession` writes — a client stream as text — into the
/// text messages of RFC 7395 §3.3: the header becomes `<open/>`, every
/// element its own message with its namespace declarations, a stream error
/// `<stream:error/>` followed by `<close/>` (§3.5), and `</stream:stream>`
/// `<close/>`. Several stanzas in one write (a batch of deliveries) become
/// several messages, in order.
///
/// Not thread-safe; `WebSocketTransport` calls it under its lock. Pure.
final class WebSocketStreamOutput {
    struct Messages: Equatable {
        var texts: [String] = []
        /// The stream was already over: nothing was (or will be) sent.
        var refused = false
    }

    private let reader = ClientStreamOutput()
    /// `<close/>` went out; later writes are refused.
    private(set) var isEnded = false

    func read(_ text: String) -> Messages {
        guard !isEnded else { return Messages(refused: true) }
        let chunk = reader.read(text)
        var messages = Messages()
        if let header = chunk.header { messages.texts.append(XMPPFraming.open(header)) }
        messages.texts += chunk.elements.map(XMPPFraming.message)
        switch chunk.end {
        case nil:
            break
        case .closed:
            messages.texts.append(XMPPFraming.close)
            isEnded = true
        case .error(let error):
            messages.texts += [XMPPFraming.message(error), XMPPFraming.close]
            isEnded = true
        case .broken:
            messages.texts += [XMPPFraming.streamError(.internalServerError), XMPPFraming.close]
            isEnded = true
        }
        return messages
    }

    /// Ends the stream from outside the session (timeouts, shutdown): the
    /// error and `<close/>`, whether or not the session opened its stream.
    func end(_ condition: StreamError.Condition, text: String?) -> Messages {
        guard !isEnded else { return Messages(refused: true) }
        isEnded = true
        return Messages(texts: [XMPPFraming.streamError(condition, text: text), XMPPFraming.close])
    }
}
