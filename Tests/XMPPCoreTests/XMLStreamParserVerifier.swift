@testable import XMPPCore

/// Feeds one document to fresh parsers whole, byte by byte and split in two at
/// every position, and checks every way gives the same events or the same error
/// (after swift-nio's `ByteToMessageDecoderVerifier`).
enum XMLStreamParserVerifier {
    struct Outcome: Equatable {
        var events: [XMLStreamEvent]
        var error: XMLStreamError?
    }

    static func run(_ chunks: [[UInt8]], limits: XMLStreamParser.Limits) -> Outcome {
        let parser = XMLStreamParser(limits: limits)
        var events: [XMLStreamEvent] = []
        for chunk in chunks {
            do {
                events += try parser.feed(chunk)
            } catch {
                return Outcome(events: events, error: error)
            }
        }
        return Outcome(events: events, error: nil)
    }

    /// The outcome of feeding `document` whole; records a test issue (through the
    /// returned mismatch list) when any other chunking disagrees.
    static func verify(_ document: String, limits: XMLStreamParser.Limits = .init(), everySplit: Bool = true) -> (Outcome, [String]) {
        let bytes = Array(document.utf8)
        let whole = run([bytes], limits: limits)
        var mismatches: [String] = []
        let byByte = run(bytes.map { [$0] }, limits: limits)
        if !sameOutcome(whole, byByte) { mismatches.append("byte by byte: \(byByte)") }
        if everySplit {
            for split in 1..<max(bytes.count, 1) {
                let halves = run([Array(bytes[..<split]), Array(bytes[split...])], limits: limits)
                if !sameOutcome(whole, halves) { mismatches.append("split at \(split): \(halves)") }
            }
        }
        return (whole, mismatches)
    }

    /// Errors compare by condition: the moment libxml2 notices can differ with chunking,
    /// but never what it notices. Events before an error must agree.
    static func sameOutcome(_ lhs: Outcome, _ rhs: Outcome) -> Bool {
        if let left = lhs.error, let right = rhs.error {
            return left.conditionName == right.conditionName
        }
        return lhs == rhs
    }
}
