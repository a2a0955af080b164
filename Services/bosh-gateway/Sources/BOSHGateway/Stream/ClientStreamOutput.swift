import XMPPCore

/// Reads back what a `ClientSession` writes to its transport — an XMPP client
/// stream as text (header, stanzas, `<stream:error/>`, `</stream:stream>`) —
/// as elements a web transport can carry: BOSH puts them in `<body/>`
/// wrappers (XEP-0206 §4: the header's facts go into the wrapper's attributes,
/// never its text), WebSocket frames each one on its own (RFC 7395 §3.3).
///
/// Not thread-safe; its owner calls it under a lock.
final class ClientStreamOutput {
    /// What one write amounted to.
    struct Chunk: Equatable {
        /// The stream header, when this write (re)opened the stream.
        var header: XMLStreamHeader?
        var elements: [XMLElement] = []
        var end: End?
    }

    enum End: Equatable {
        /// `</stream:stream>`: the server closed the stream normally.
        case closed
        /// `<stream:error/>`: the stream failed.
        case error(XMLElement)
        /// The session wrote something that is not XML (a bug, never the client's doing).
        case broken
    }

    private let parser: XMLStreamParser

    /// Our own output was checked when it was produced, so limits are wide.
    init(limits: XMLStreamParser.Limits = .init(maxStanzaSize: 16 * 1024 * 1024, maxDepth: 256)) {
        parser = XMLStreamParser(limits: limits)
    }

    func read(_ text: String) -> Chunk {
        // Every (re)started stream begins with the XML declaration and a new header.
        if text.hasPrefix("<?xml") { parser.reset() }
        var chunk = Chunk()
        let events: [XMLStreamEvent]
        do {
            events = try parser.feed(text)
        } catch {
            chunk.end = .broken
            return chunk
        }
        for event in events {
            switch event {
            case .streamOpen(let header):
                chunk.header = header
            case .stanza(let element) where element.name == "error" && element.namespace == XMPPNamespace.streams:
                chunk.end = .error(element)
                return chunk
            case .stanza(let element):
                chunk.elements.append(element)
            case .streamClose:
                chunk.end = .closed
                return chunk
            }
        }
        return chunk
    }
}
