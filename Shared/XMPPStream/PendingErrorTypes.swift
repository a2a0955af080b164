// TEMPORARY: stand-ins for the stream/stanza error types being written in
// XMPPCore/Stanza; removed when those land.
public enum StreamErrorCondition: String, Sendable, Hashable {
    case hostUnknown = "host-unknown"
    case invalidNamespace = "invalid-namespace"
    case unsupportedVersion = "unsupported-version"
    case notAuthorized = "not-authorized"
    case unsupportedStanzaType = "unsupported-stanza-type"
    case policyViolation = "policy-violation"
    case internalServerError = "internal-server-error"
}
