import Cluster
import XMPPCore

/// Why a storage request did not produce a result. Each case maps to the stanza
/// error a requester sends back (`StanzaErrorConvertible`, RFC 6120 §8.3.3):
///
/// | case | condition | type | why |
/// |---|---|---|---|
/// | `timeout` | `resource-constraint` | `wait` | storage is busy or down; the request may still be applied later, so "retry after waiting" is the honest answer (§8.3.3.18) |
/// | `unavailable` | `resource-constraint` | `wait` | Redis is unreachable: the same temporary lack of a resource |
/// | `rejected` | the reply's condition | its default type | storage refused the request (`item-not-found`, `conflict`, …) |
/// | `malformedReply`, `notRunning`, `cancelled` | `internal-server-error` | `cancel` | a defect or a shutdown, not something the sender can fix by retrying (§8.3.3.6) |
public enum StorageClientError: Error, Sendable, Hashable, CustomStringConvertible, StanzaErrorConvertible {
    /// No reply within `storage.request_timeout_ms`. A late reply is dropped.
    case timeout(StorageOperation)
    /// Redis could not take the request (disconnected, or the command failed).
    case unavailable(String)
    /// Storage answered with an error: an RFC 6120 stanza error condition name.
    case rejected(condition: String, text: String?)
    /// Storage answered with something this client cannot read.
    case malformedReply(String)
    /// The client's reply listener (`run()`) is not running, so no reply could arrive.
    case notRunning
    /// The waiting task was cancelled.
    case cancelled

    /// Retrying later may succeed: storage or Redis is temporarily away. A
    /// gateway turns such a failure during SASL into `<temporary-auth-failure/>`.
    public var isTemporary: Bool {
        switch self {
        case .timeout, .unavailable: true
        default: false
        }
    }

    /// The condition of a `rejected` error, if it is a defined one.
    public var rejectedCondition: StanzaError.Condition? {
        if case .rejected(let condition, _) = self { StanzaError.Condition(rawValue: condition) } else { nil }
    }

    public var stanzaError: StanzaError {
        switch self {
        case .timeout, .unavailable:
            StanzaError(.resourceConstraint, type: .wait, text: "storage is temporarily unavailable")
        case .rejected(let condition, let text):
            StanzaError(StanzaError.Condition(rawValue: condition) ?? .internalServerError, text: text)
        case .malformedReply, .notRunning, .cancelled:
            StanzaError(.internalServerError)
        }
    }

    public var description: String {
        switch self {
        case .timeout(let operation): "storage did not answer \(operation.rawValue) in time"
        case .unavailable(let reason): "storage unavailable: \(reason)"
        case .rejected(let condition, let text): "storage refused: \(condition)\(text.map { " (\($0))" } ?? "")"
        case .malformedReply(let reason): "malformed storage reply: \(reason)"
        case .notRunning: "storage client is not running"
        case .cancelled: "storage request cancelled"
        }
    }
}
