import Testing
@testable import XMPPCore

/// The byte-run escaper against a plain per-character statement of the rules
/// (XML 1.0 §2.4, §3.3.3), on strings mixing everything that matters.
@Suite("XML escaping")
struct XMLEscapingTests {
    /// The rules, one Unicode scalar at a time.
    static func reference(_ string: String, quote: Bool) -> String {
        var output = ""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "'" where quote: output += "&apos;"
            case "\"" where quote: output += "&quot;"
            case "\t" where quote: output += "&#9;"
            case "\n" where quote: output += "&#10;"
            case "\r": output += "&#13;"
            default:
                if XMLEscaping.isAllowedInXML(scalar) { output.unicodeScalars.append(scalar) }
            }
        }
        return output
    }

    static let pieces: [String] = [
        "a", "plain text", "&", "<", ">", "'", "\"", "\t", "\n", "\r", "\u{0}", "\u{1B}", "\u{7F}", "é", "€", "😀",
        "\u{FFFD}", "\u{FFFE}", "\u{FFFF}", "\u{EFFF}", "\u{10000}", "&amp;", "]]>",
    ]

    @Test(arguments: [false, true])
    func matchesTheRulesOnMixedStrings(quote: Bool) {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let count = Int.random(in: 0...12, using: &generator)
            let string = (0..<count).map { _ in Self.pieces.randomElement(using: &generator)! }.joined()
            var escaped = "prefix"
            XMLEscaping.appendEscaped(string, to: &escaped, quote: quote)
            #expect(escaped == "prefix" + Self.reference(string, quote: quote), "input \(string.debugDescription)")
        }
    }

    @Test func textWithNothingToEscapeIsAppendedAsIs() {
        #expect(XMLEscaping.escaped("Wherefore art thou, Romeo? ☀") == "Wherefore art thou, Romeo? ☀")
        #expect(XMLEscaping.escaped("") == "")
        #expect(XMLEscaping.escaped("a<b", quote: true) == "a&lt;b")
        #expect(XMLEscaping.escaped("\u{FFFF}x\u{FFFE}") == "x")
    }
}
