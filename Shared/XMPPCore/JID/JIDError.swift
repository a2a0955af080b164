/// Why a string is not a valid JID (RFC 7622). Every case maps to the
/// `jid-malformed` stanza error condition (RFC 6120 §8.3.3.8).
public enum JIDError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The localpart (RFC 7622 §3.3) is invalid.
    case localpart(Reason)
    /// The domainpart (RFC 7622 §3.2) is invalid.
    case domainpart(Reason)
    /// The resourcepart (RFC 7622 §3.4) is invalid.
    case resourcepart(Reason)

    /// Which part of a JID an error is about.
    public enum Part: String, Sendable, Hashable {
        case localpart, domainpart, resourcepart
    }

    /// What is wrong with the part.
    public enum Reason: Sendable, Hashable, CustomStringConvertible {
        /// The part is present but has no characters (RFC 7622 §3.1).
        case empty
        /// The part is longer than 1023 bytes of UTF-8 after normalisation
        /// (RFC 7622 §3.2–§3.4); the associated value is its length.
        case tooLong(bytes: Int)
        /// A code point the part's PRECIS profile or RFC 7622 does not allow.
        case disallowedCharacter(Unicode.Scalar)
        /// A DNS label is empty or longer than 63 bytes (RFC 1035 §2.3.4).
        case invalidLabel(String)
        /// An IP literal (`[…]`) or all-numeric domain that is not a valid address.
        case invalidIPAddress(String)

        public var description: String {
            switch self {
            case .empty: "is empty"
            case .tooLong(let bytes): "is \(bytes) bytes long (at most 1023 allowed)"
            case .disallowedCharacter(let scalar):
                "contains disallowed character U+\(String(scalar.value, radix: 16, uppercase: true))"
            case .invalidLabel(let label): "has an invalid label '\(label)'"
            case .invalidIPAddress(let address): "is not a valid IP address '\(address)'"
            }
        }
    }

    /// The part the error is about.
    public var part: Part {
        switch self {
        case .localpart: .localpart
        case .domainpart: .domainpart
        case .resourcepart: .resourcepart
        }
    }

    /// What is wrong with that part.
    public var reason: Reason {
        switch self {
        case .localpart(let reason), .domainpart(let reason), .resourcepart(let reason): reason
        }
    }

    /// The stanza error condition to answer with (RFC 6120 §8.3.3.8).
    public var condition: String { "jid-malformed" }

    public var description: String { "JID \(part.rawValue) \(reason)" }
}
