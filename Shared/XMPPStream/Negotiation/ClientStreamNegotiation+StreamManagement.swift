import XMPPCore

/// XEP-0198 stream management, as far as the stream's state machine goes:
/// which elements are allowed when, and counting the client's stanzas. The
/// gateway keeps the rest (the unacknowledged queue, resumption) where every
/// node can reach it (docs/stream-management.md).
extension ClientStreamNegotiation {
    /// Whether `<enable/>` succeeded on this stream (or it was resumed).
    public var streamManagementEnabled: Bool { handledInbound != nil }

    /// §5: `<resume/>` after authentication, instead of binding.
    mutating func negotiateResumption(_ element: XMLElement) -> [Output] {
        guard configuration.streamManagement else { return fail(.unsupportedStanzaType, nil) }
        guard let previd = element[attribute: "previd"], !previd.isEmpty,
            let handled = StreamManagementElements.parseCounter(element[attribute: "h"])
        else {
            return [.send(StreamManagementElements.failed(.badRequest))]
        }
        state = .resuming
        return [.resumeStream(previd: previd, handled: handled)]
    }

    /// The gateway found the session and took it over: the stream is
    /// established again, counting on from `handledInbound`. The gateway
    /// writes `<resumed/>` itself, ahead of the stanzas it sends again.
    public mutating func resumeSucceeded(handledInbound: UInt32) {
        guard case .resuming = state else { return }
        state = .established
        self.handledInbound = handledInbound
    }

    /// The session could not be resumed; the client may bind a new one.
    public mutating func resumeFailed(_ failure: XMLElement) -> [Output] {
        guard case .resuming = state else { return fail(.internalServerError, nil) }
        state = .negotiating
        return [.send(failure)]
    }

    /// The gateway set up the session's management (`id` when resumable).
    public mutating func streamManagementStarted() {
        handledInbound = 0
    }

    /// The elements of the `urn:xmpp:sm:3` namespace on an established stream.
    mutating func managementElement(_ element: XMLElement) -> [Output] {
        switch element.name {
        case "enable":
            guard configuration.streamManagement, !streamManagementEnabled else {
                return [.send(StreamManagementElements.failed(.unexpectedRequest))]
            }
            let resume = element[attribute: "resume"].map { $0 == "true" || $0 == "1" } ?? false
            return [.enableStreamManagement(resume: resume, requestedMaxSeconds: element[attribute: "max"].flatMap { Int($0) })]
        case "r":
            guard let handled = handledInbound else { return fail(.unsupportedStanzaType, "stream management is not enabled") }
            return [.acknowledgementRequested(handled: handled)]
        case "a":
            guard streamManagementEnabled else { return fail(.unsupportedStanzaType, "stream management is not enabled") }
            guard let handled = StreamManagementElements.parseCounter(element[attribute: "h"]) else {
                return fail(.undefinedCondition, "<a/> needs a counter h")
            }
            return [.acknowledged(handled)]
        case "resume":
            // §5: only before binding.
            return [.send(StreamManagementElements.failed(.unexpectedRequest))]
        default:
            return fail(.unsupportedStanzaType, nil)
        }
    }

    /// §4: a stanza of the client's has been handled.
    mutating func countHandledStanza() {
        if let handled = handledInbound { handledInbound = handled &+ 1 }
    }
}
