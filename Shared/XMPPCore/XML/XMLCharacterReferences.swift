/// Decodes what libxml2 may leave in SAX2 attribute values when it does not
/// substitute entities: character references (`&#38;`, `&#x3C;`) and the five
/// predefined entities. Any other entity reference never gets here — the parser
/// refuses it as restricted XML first. Namespace URIs (`xmlns='…'`) arrive the
/// same way: `xmlns='a&amp;b'` is reported as `a&#38;b`.
enum XMLCharacterReferences {
    /// A namespace URI from libxml2, its references decoded. A literal `&`
    /// cannot be in well-formed input, so any `&` here starts a reference.
    static func decodeNamespace(_ uri: UnsafePointer<UInt8>) -> String {
        let text = String(cString: uri)
        guard text.utf8.contains(UInt8(ascii: "&")) else { return text }
        return Array(text.utf8).withUnsafeBufferPointer { decode($0) }
    }

    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var output = String.UnicodeScalarView()
        var index = 0
        let text = Array(bytes)
        while index < text.count {
            let byte = text[index]
            if byte == UInt8(ascii: "&"), let end = text[index...].firstIndex(of: UInt8(ascii: ";")), end - index <= 10 {
                let name = String(decoding: text[(index + 1)..<end], as: UTF8.self)
                if let scalar = scalar(for: name) {
                    output.append(scalar)
                    index = end + 1
                    continue
                }
            }
            // Copy one UTF-8 sequence.
            let length = byte < 0x80 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4
            let upper = min(index + length, text.count)
            output.append(contentsOf: String(decoding: text[index..<upper], as: UTF8.self).unicodeScalars)
            index = upper
        }
        return String(output)
    }

    private static func scalar(for name: String) -> Unicode.Scalar? {
        switch name {
        case "lt": return "<"
        case "gt": return ">"
        case "amp": return "&"
        case "quot": return "\""
        case "apos": return "'"
        default:
            guard name.hasPrefix("#") else { return nil }
            let digits = name.dropFirst()
            let value = digits.hasPrefix("x") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
            return value.flatMap(Unicode.Scalar.init)
        }
    }
}
