import XMPPCore

/// A request storage refuses: answered as a failure reply carrying an RFC 6120
/// stanza error condition, so the requester can turn it into a stanza error
/// as it is. Thrown inside an operation, it rolls the operation back.
struct StorageFailure: Error, Sendable, Hashable {
    var condition: StanzaError.Condition
    var text: String?

    init(_ condition: StanzaError.Condition, _ text: String? = nil) {
        self.condition = condition
        self.text = text
    }

    static func badRequest(_ text: String) -> Self { .init(.badRequest, text) }
    static func notAcceptable(_ text: String) -> Self { .init(.notAcceptable, text) }
    static func noSuchUser(_ user: String) -> Self { .init(.itemNotFound, "no such user") }
}
