/// Why a SASL exchange failed, in the terms of RFC 6120 §6.5. The stream layer
/// turns it into the `<failure/>` element.
public enum SASLMechanismFailure: String, Sendable, Hashable, Error {
    /// The client's message broke the mechanism's syntax (RFC 6120 §6.5.6).
    case malformedRequest = "malformed-request"
    /// Wrong credentials, or an unknown user (RFC 6120 §6.5.10).
    case notAuthorized = "not-authorized"
    /// The authorization identity is not one this user may act as (§6.5.6).
    case invalidAuthzid = "invalid-authzid"
    /// Base64 that does not decode (§6.5.3).
    case incorrectEncoding = "incorrect-encoding"
}
