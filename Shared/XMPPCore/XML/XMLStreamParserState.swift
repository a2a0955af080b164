internal import CLibXML2
import Foundation

/// The parser's mutable state, reached from libxml2's C callbacks through the
/// context's user data.
final class XMLStreamParserState {
    let limits: XMLStreamParser.Limits
    /// Element depth: 0 before the root, 1 inside the root, 2+ inside a stanza.
    var depth = 0
    /// Elements of the stanza being built, outermost first.
    var stack: [XMLElement] = []
    var events: [XMLStreamEvent] = []
    var error: XMLStreamError?
    /// Input bytes fed so far, and the input offset where the current stanza (or
    /// inter-stanza whitespace) began.
    var bytesFed = 0
    var boundary = 0
    /// The libxml2 context (`xmlParserCtxtPtr`), for offsets and stopping.
    var context: UnsafeMutableRawPointer?

    init(limits: XMLStreamParser.Limits) {
        self.limits = limits
    }

    func reset() {
        depth = 0
        stack = []
        events = []
        error = nil
        bytesFed = 0
        boundary = 0
        prologue = []
    }

    func takeEvents() -> [XMLStreamEvent] {
        defer { events = [] }
        return events
    }

    /// Records the first error and stops libxml2.
    @discardableResult
    func fail(_ error: XMLStreamError) -> XMLStreamError {
        if self.error == nil { self.error = error }
        if let context { xmlStopParser(context.assumingMemoryBound(to: xmlParserCtxt.self)) }
        return self.error!
    }

    /// Marks the current input position as a stanza boundary.
    func markBoundary() {
        guard let context else { return }
        boundary = Int(xmlByteConsumed(context.assumingMemoryBound(to: xmlParserCtxt.self)))
    }

    /// The first bytes of the stream (up to the root start tag), kept to read the
    /// XML declaration: libxml2 is told to ignore it (`XML_PARSE_IGNORE_ENC`).
    var prologue: [UInt8] = []

    /// The encoding the XML declaration names, if any.
    var declaredEncoding: String? {
        let text = String(decoding: prologue, as: UTF8.self)
        guard text.hasPrefix("<?xml"), let end = text.range(of: "?>"),
            let key = text[..<end.lowerBound].range(of: "encoding")
        else { return nil }
        let rest = text[key.upperBound..<end.lowerBound].drop { $0 == " " || $0 == "=" }
        guard let quote = rest.first, quote == "'" || quote == "\"" else { return nil }
        return String(rest.dropFirst().prefix { $0 != quote })
    }

    // MARK: Building

    func startElement(name: String, namespace: String?, attributes: [XMLAttribute]) {
        guard error == nil else { return }
        depth += 1
        if depth - 1 > limits.maxDepth {
            fail(.policyViolation("elements nested deeper than \(limits.maxDepth)"))
            return
        }
        stack.append(XMLElement(name: name, namespace: namespace, attributes: attributes))
    }

    func endElement() {
        guard error == nil else { return }
        depth -= 1
        if depth == 0 {
            events.append(.streamClose)
            return
        }
        guard let element = stack.popLast() else { return }
        if stack.isEmpty {
            // A stanza that ended within the same slice as its overflow is
            // measured here, where its end is known.
            if let context {
                let end = Int(xmlByteConsumed(context.assumingMemoryBound(to: xmlParserCtxt.self)))
                if end - boundary > limits.maxStanzaSize {
                    fail(.policyViolation("stanza exceeds max_stanza_size (\(limits.maxStanzaSize) bytes)"))
                    return
                }
            }
            events.append(.stanza(element))
            markBoundary()
        } else {
            stack[stack.count - 1].children.append(.element(element))
        }
    }

    func characters(_ text: String) {
        guard error == nil else { return }
        if depth <= 1 {
            // Between stanzas only whitespace is allowed (keepalives, RFC 6120 §4.6.1).
            if !text.utf8.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
                fail(.badFormat("character data outside a stanza"))
            } else {
                markBoundary()
            }
            return
        }
        guard !stack.isEmpty else { return }
        let last = stack.count - 1
        if case .text(let previous)? = stack[last].children.last {
            stack[last].children[stack[last].children.count - 1] = .text(previous + text)
        } else {
            stack[last].children.append(.text(text))
        }
    }
}
