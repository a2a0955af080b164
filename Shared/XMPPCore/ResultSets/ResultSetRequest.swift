/// What a requester asks of a result set (XEP-0059 §2): a page size and where
/// the page is — after an item, before one, at the end, or at an index.
public struct ResultSetRequest: Sendable, Hashable {
    /// Where the page ends when it is counted backwards (§2.5).
    public enum Before: Sendable, Hashable {
        /// `<before/>` empty: the last page (§2.5).
        case lastPage
        /// `<before>id</before>`: the items just before `id`.
        case item(String)
    }

    /// `<max/>`: how many items at most; `nil` leaves it to the server.
    public var max: Int?
    /// `<after>id</after>`: the items just after `id` (§2.2).
    public var after: String?
    public var before: Before?
    /// `<index/>`: the page starting at this position (§2.6).
    public var index: Int?

    public init(max: Int? = nil, after: String? = nil, before: Before? = nil, index: Int? = nil) {
        self.max = max
        self.after = after
        self.before = before
        self.index = index
    }

    /// Whether the page is counted from its end (`<before/>`): the items
    /// closest to the end come first into it.
    public var pagesBackwards: Bool { before != nil }

    /// Reads `<set xmlns='http://jabber.org/protocol/rsm'/>`. Throws
    /// `bad-request` for a `<max/>` or `<index/>` that is not a non-negative
    /// integer, an empty `<after/>`, both `<after/>` and `<before/>` (the XEP
    /// leaves that undefined), or `<index/>` beside either.
    public init(element: XMLElement) throws(StanzaError) {
        let namespace = XMPPNamespace.resultSet
        self.init()
        if let max = element.firstChild(named: "max", namespace: namespace) {
            self.max = try Self.count(max, "max")
        }
        if let index = element.firstChild(named: "index", namespace: namespace) {
            self.index = try Self.count(index, "index")
        }
        if let after = element.firstChild(named: "after", namespace: namespace) {
            guard !after.text.isEmpty else { throw StanzaError(.badRequest, text: "an empty <after/>") }
            self.after = after.text
        }
        if let before = element.firstChild(named: "before", namespace: namespace) {
            self.before = before.text.isEmpty ? .lastPage : .item(before.text)
        }
        if after != nil && self.before != nil {
            throw StanzaError(.badRequest, text: "<after/> and <before/> together are not defined (XEP-0059)")
        }
        if index != nil && (after != nil || self.before != nil) {
            throw StanzaError(.badRequest, text: "<index/> goes without <after/> or <before/>")
        }
    }

    private static func count(_ element: XMLElement, _ name: String) throws(StanzaError) -> Int {
        guard let value = Int(element.text), value >= 0 else {
            throw StanzaError(.badRequest, text: "<\(name)/> is not a non-negative integer")
        }
        return value
    }
}
