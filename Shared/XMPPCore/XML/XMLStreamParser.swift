internal import CLibXML2

/// A streaming XML parser for XMPP streams, on libxml2's SAX2 push parser.
///
/// Feed it bytes in chunks of any size; it reports the stream header, every
/// complete first-level element (stanza) as an `XMLElement`, and the stream's
/// end — the same events whatever the chunking. It is pure: no I/O, no network
/// access, no entity expansion.
///
/// XMPP's XML restrictions (RFC 6120 §11) are enforced: a DTD, an entity
/// declaration, a reference to any entity but the five predefined ones, a
/// comment or a processing instruction ends the stream with `restricted-xml`;
/// nothing is ever expanded (so billion-laughs input cannot grow). A stanza
/// longer than `maxStanzaSize` bytes — counted on the raw input, including what
/// libxml2 has buffered but not parsed — or nested deeper than `maxDepth` ends
/// it with `policy-violation`. After an error the parser stays failed until
/// `reset()`.
///
/// Not thread-safe: one parser belongs to one connection.
public final class XMLStreamParser {
    public struct Limits: Sendable, Hashable {
        /// Largest stanza, in bytes of input (`max_stanza_size`).
        public var maxStanzaSize: Int
        /// Deepest element nesting inside a stanza (the stanza itself is depth 1).
        public var maxDepth: Int

        public init(maxStanzaSize: Int = 65536, maxDepth: Int = 32) {
            self.maxStanzaSize = maxStanzaSize
            self.maxDepth = maxDepth
        }
    }

    public let limits: Limits
    private var context: xmlParserCtxtPtr?
    let state: XMLStreamParserState

    public init(limits: Limits = Limits()) {
        self.limits = limits
        self.state = XMLStreamParserState(limits: limits)
        self.context = nil
        self.context = makeContext()
    }

    deinit {
        if let context { xmlFreeParserCtxt(context) }
    }

    /// Starts over for a stream restart (after STARTTLS or SASL, RFC 6120 §4.3.3):
    /// a fresh parser expecting a new stream header.
    public func reset() {
        if let context { xmlFreeParserCtxt(context) }
        state.reset()
        context = makeContext()
    }

    /// Feeds bytes; returns the events they complete.
    public func feed(_ bytes: [UInt8]) throws(XMLStreamError) -> [XMLStreamEvent] {
        var result: Result<[XMLStreamEvent], XMLStreamError> = .success([])
        bytes.withUnsafeBytes { buffer in
            result = Result { () throws(XMLStreamError) in try self.feed(buffer) }
        }
        return try result.get()
    }

    /// Feeds the UTF-8 bytes of `text`.
    public func feed(_ text: String) throws(XMLStreamError) -> [XMLStreamEvent] {
        try feed(Array(text.utf8))
    }

    /// Feeds bytes from a raw buffer; returns the events they complete.
    public func feed(_ bytes: UnsafeRawBufferPointer) throws(XMLStreamError) -> [XMLStreamEvent] {
        if let error = state.error { throw error }
        guard let context else { throw .notWellFormed("parser unavailable") }
        var offset = 0
        // Feed in slices no larger than a stanza, so an oversized one is caught
        // before libxml2 has buffered much more than the limit.
        let slice = max(1024, limits.maxStanzaSize)
        while offset < bytes.count {
            let count = min(slice, bytes.count - offset)
            let base = bytes.baseAddress!.advanced(by: offset).assumingMemoryBound(to: CChar.self)
            if state.depth == 0, state.prologue.count < 1024 {
                let keep = min(count, 1024 - state.prologue.count)
                state.prologue += UnsafeRawBufferPointer(start: base, count: keep)
            }
            let status = xmlParseChunk(context, base, Int32(count), 0)
            offset += count
            state.bytesFed += count
            if let error = state.error { throw error }
            if status != 0 || context.pointee.wellFormed == 0 {
                throw state.fail(.notWellFormed("XML is not well-formed"))
            }
            if state.depth >= 1, state.bytesFed - state.boundary > limits.maxStanzaSize {
                throw state.fail(.policyViolation("stanza exceeds max_stanza_size (\(limits.maxStanzaSize) bytes)"))
            }
        }
        return state.takeEvents()
    }

    /// libxml2 sizes a push parser's input buffer at twice its default buffer
    /// size (4,000 bytes: 8 KB per parser, kept for the life of a client
    /// connection). Stanzas are small; the buffer still grows for a big one.
    static let inputBufferSize: Int32 = 1024

    private func makeContext() -> xmlParserCtxtPtr? {
        // Per thread in libxml2, read when the context's input buffer is made below.
        __xmlDefaultBufferSize().pointee = Self.inputBufferSize
        var handler = xmlSAXHandler()
        XMLStreamParserCallbacks.install(into: &handler)
        let userData = Unmanaged.passUnretained(state).toOpaque()
        let context = xmlCreatePushParserCtxt(&handler, userData, nil, 0, nil)
        if let context {
            // Never touch the network, never load a DTD, never substitute entities,
            // ignore the document's encoding declaration (UTF-8 only, RFC 6120 §11.6).
            let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_IGNORE_ENC.rawValue | XML_PARSE_NOCDATA.rawValue)
            xmlCtxtUseOptions(context, options)
            _ = xmlSwitchEncoding(context, XML_CHAR_ENCODING_UTF8)
            state.context = UnsafeMutableRawPointer(context)
        }
        return context
    }
}
