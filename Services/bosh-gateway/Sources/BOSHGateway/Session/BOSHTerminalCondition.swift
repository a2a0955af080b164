/// Terminal binding conditions (XEP-0124 §17.2): sent as
/// `<body type='terminate' condition='…'/>`, after which the session is gone.
public enum BOSHTerminalCondition: String, Sendable, Hashable {
    case badRequest = "bad-request"
    case hostGone = "host-gone"
    case hostUnknown = "host-unknown"
    case improperAddressing = "improper-addressing"
    case internalServerError = "internal-server-error"
    case itemNotFound = "item-not-found"
    case otherRequest = "other-request"
    case policyViolation = "policy-violation"
    case remoteConnectionFailed = "remote-connection-failed"
    case remoteStreamError = "remote-stream-error"
    case seeOtherURI = "see-other-uri"
    case systemShutdown = "system-shutdown"
    case undefinedCondition = "undefined-condition"

    /// The HTTP status a pre-1.6 client expects instead (§17.1). Clients of 1.6
    /// and later get 200 with the terminate body.
    public var legacyHTTPStatus: Int {
        switch self {
        case .badRequest: 400
        case .itemNotFound: 404
        case .policyViolation: 403
        default: 200
        }
    }
}
