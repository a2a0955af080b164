/// An XMPP address (RFC 7622): `[localpart@]domainpart[/resourcepart]`.
///
/// Every part is stored normalised (RFC 7622 §3.2–§3.4), so `==` and hashing
/// compare JIDs the way RFC 7622 §3.1 requires: `Juliet@Example.COM/Balcony`
/// equals `juliet@example.com/Balcony` (the resourcepart is case-sensitive).
public struct JID: Sendable, Hashable, CustomStringConvertible, Codable {
    /// The normalised localpart (RFC 7622 §3.3), or `nil` for a domain JID.
    public let localpart: String?
    /// The normalised domainpart (RFC 7622 §3.2). Never empty.
    public let domainpart: String
    /// The normalised resourcepart (RFC 7622 §3.4), or `nil` for a bare JID.
    public let resourcepart: String?

    /// Parses and normalises a JID string.
    ///
    /// RFC 7622 §3.1 decomposition: the resourcepart is everything after the
    /// first '/' (so it may itself contain '@' and '/'); the localpart is what
    /// comes before the first '@' that precedes that '/'; the rest is the
    /// domainpart. A '/' or '@' that is present with nothing after (respectively
    /// before) it is an error, as is an empty domainpart.
    public init(_ string: String) throws(JIDError) {
        let scalars = string.unicodeScalars
        let slash = scalars.firstIndex(of: "/")
        let beforeResource = scalars[..<(slash ?? scalars.endIndex)]
        let at = beforeResource.firstIndex(of: "@")

        let localpart: String?
        let domainStart: String.UnicodeScalarView.Index
        if let at {
            localpart = try JIDNormalization.localpart(String(beforeResource[..<at]))
            domainStart = scalars.index(after: at)
        } else {
            localpart = nil
            domainStart = beforeResource.startIndex
        }
        let domainpart = try JIDNormalization.domainpart(String(beforeResource[domainStart...]))
        let resourcepart: String?
        if let slash {
            resourcepart = try JIDNormalization.resourcepart(String(scalars[scalars.index(after: slash)...]))
        } else {
            resourcepart = nil
        }
        self.init(unchecked: localpart, domainpart, resourcepart)
    }

    /// Builds a JID from separate parts, normalising each. `nil` means the part
    /// is absent; an empty string is an error (RFC 7622 §3.1).
    public init(localpart: String? = nil, domainpart: String, resourcepart: String? = nil) throws(JIDError) {
        let local = try localpart.map { (part) throws(JIDError) in try JIDNormalization.localpart(part) }
        let domain = try JIDNormalization.domainpart(domainpart)
        let resource = try resourcepart.map { (part) throws(JIDError) in try JIDNormalization.resourcepart(part) }
        self.init(unchecked: local, domain, resource)
    }

    /// Parts that are already normalised.
    init(unchecked localpart: String?, _ domainpart: String, _ resourcepart: String?) {
        self.localpart = localpart
        self.domainpart = domainpart
        self.resourcepart = resourcepart
    }

    /// The bare JID: this JID without its resourcepart (RFC 6120 §1.4).
    public var bare: JID {
        resourcepart == nil ? self : JID(unchecked: localpart, domainpart, nil)
    }

    /// Whether the JID has no resourcepart.
    public var isBare: Bool { resourcepart == nil }

    /// This JID with `resource` as its resourcepart (normalised under OpaqueString).
    public func withResource(_ resource: String) throws(JIDError) -> JID {
        JID(unchecked: localpart, domainpart, try JIDNormalization.resourcepart(resource))
    }

    /// The JID's string form (RFC 7622 §3.1): `[localpart@]domainpart[/resourcepart]`.
    public var description: String {
        var result = ""
        result.reserveCapacity(
            (localpart?.utf8.count ?? -1) + 1 + domainpart.utf8.count + (resourcepart?.utf8.count ?? -1) + 1)
        if let localpart {
            result += localpart
            result += "@"
        }
        result += domainpart
        if let resourcepart {
            result += "/"
            result += resourcepart
        }
        return result
    }

    // MARK: Codable — a JID encodes as its string form.

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let string = try container.decode(String.self)
        do {
            try self.init(string)
        } catch {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "Invalid JID '\(string)': \(error)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
