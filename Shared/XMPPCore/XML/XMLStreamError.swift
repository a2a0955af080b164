/// Why the XML stream cannot go on. Each maps to an RFC 6120 §4.9.3 stream error
/// condition (`conditionName`); after one the parser stays failed.
public enum XMLStreamError: Error, Sendable, Hashable {
    /// Not XML 1.0: broken markup, bad nesting, a second root (§4.9.3.13).
    case notWellFormed(String)
    /// A DTD, an entity declaration or a reference to an entity other than the five
    /// predefined ones, a comment or a processing instruction (§4.9.3.18, §11.1).
    case restrictedXML(String)
    /// A stanza larger than `max_stanza_size`, or nested deeper than the limit
    /// (§4.9.3.14).
    case policyViolation(String)
    /// Bytes that are not UTF-8, or an encoding declaration other than UTF-8
    /// (§4.9.3.22, §11.6).
    case unsupportedEncoding(String)
    /// Character data directly inside the stream root, which XMPP allows only as
    /// whitespace (§4.9.3.1 `bad-format`).
    case badFormat(String)

    /// The RFC 6120 stream error condition's element name.
    public var conditionName: String {
        switch self {
        case .notWellFormed: "not-well-formed"
        case .restrictedXML: "restricted-xml"
        case .policyViolation: "policy-violation"
        case .unsupportedEncoding: "unsupported-encoding"
        case .badFormat: "bad-format"
        }
    }

    /// A short, safe explanation (no input echoed back).
    public var text: String {
        switch self {
        case .notWellFormed(let text), .restrictedXML(let text), .policyViolation(let text),
            .unsupportedEncoding(let text), .badFormat(let text):
            text
        }
    }
}
