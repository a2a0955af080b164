/// What a responder says about the page it returned (XEP-0059 §2): the ids of
/// its first and last items, the first one's position in the whole set, and
/// how many items the whole set holds.
public struct ResultSetPage: Sendable, Hashable {
    public var first: String?
    public var last: String?
    /// The position of `first` in the whole set (`<first index='…'/>`).
    public var firstIndex: Int?
    /// How many items the whole set holds (`<count/>`).
    public var count: Int?

    public init(first: String? = nil, last: String? = nil, firstIndex: Int? = nil, count: Int? = nil) {
        self.first = first
        self.last = last
        self.firstIndex = firstIndex
        self.count = count
    }

    /// `<set xmlns='http://jabber.org/protocol/rsm'>`; an empty page carries
    /// only its `<count/>` (§2.7).
    public var element: XMLElement {
        let namespace = XMPPNamespace.resultSet
        var set = XMLElement(name: "set", namespace: namespace)
        if let first, let last {
            var firstElement = XMLElement(name: "first", namespace: namespace)
            if let firstIndex { firstElement[attribute: "index"] = String(firstIndex) }
            firstElement.append(text: first)
            set.append(firstElement)
            var lastElement = XMLElement(name: "last", namespace: namespace)
            lastElement.append(text: last)
            set.append(lastElement)
        }
        if let count {
            var countElement = XMLElement(name: "count", namespace: namespace)
            countElement.append(text: String(count))
            set.append(countElement)
        }
        return set
    }
}
