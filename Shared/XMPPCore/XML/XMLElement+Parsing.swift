extension XMLElement {
    /// Parses exactly one element from text: a stanza, vCard or private XML
    /// fragment kept as text in storage or in a Redis stream entry.
    ///
    /// The same parser and the same restrictions as a client stream apply (no
    /// DTD, entities, comments or processing instructions; `limits` bound size
    /// and depth), so stored XML is never trusted more than XML from the wire.
    /// Whitespace around the element is allowed; anything else (text, a second
    /// element) is an error.
    public init(parsing text: String, limits: XMLStreamParser.Limits = .init()) throws(XMLStreamError) {
        let parser = XMLStreamParser(limits: limits)
        var events = try parser.feed("<fragment>")
        events += try parser.feed(text)
        events += try parser.feed("</fragment>")
        guard events.count == 3, case .streamOpen = events[0], case .stanza(let element) = events[1],
            case .streamClose = events[2]
        else {
            throw .notWellFormed("expected exactly one element")
        }
        self = element
    }
}
