import XMPPCore

/// How a storage request that reached the storage stream can fail.
public enum StorageCallError: Error, Sendable, Hashable, StanzaErrorConvertible {
    /// Storage answered with an error condition.
    case refused(StanzaError)
    /// No answer within `storage.request_timeout_ms`. The request is still in the
    /// storage stream and will be applied when storage is back.
    case timedOut

    /// What the sender of the stanza sees (RFC 6120 §8.3.3: `wait` for a
    /// temporary condition).
    public var stanzaError: StanzaError {
        switch self {
        case .refused(let error): error
        case .timedOut: StanzaError(.internalServerError, type: .wait, text: "storage did not answer in time")
        }
    }
}
