/// Serialization of `XMLElement` trees to XML text.
///
/// The serializer writes a default-namespace declaration (`xmlns='…'`) whenever an
/// element's namespace differs from the one in scope, except where the caller maps
/// a namespace to a prefix (`stream` for `http://etherx.jabber.org/streams`), in
/// which case it writes `prefix:name` and relies on the caller's declaration.
/// Text and attribute values are escaped; characters XML 1.0 forbids are dropped.
extension XMLElement {
    /// A namespace context for serialization: the default namespace in scope and the
    /// prefixes already declared by an enclosing element (the stream header).
    public struct SerializationContext: Sendable {
        public var defaultNamespace: String?
        public var prefixes: [String: String]

        public init(defaultNamespace: String? = nil, prefixes: [String: String] = [:]) {
            self.defaultNamespace = defaultNamespace
            self.prefixes = prefixes
        }

        /// Inside a client stream: `jabber:client` is the default, `stream:` is declared.
        public static let clientStream = SerializationContext(
            defaultNamespace: "jabber:client",
            prefixes: ["http://etherx.jabber.org/streams": "stream"])
    }

    /// The element as XML text.
    public func serialized(in context: SerializationContext = SerializationContext()) -> String {
        var output = ""
        output.reserveCapacity(128)
        write(to: &output, context: context)
        return output
    }

    /// Appends the element as XML text to `output`.
    public func write(to output: inout String, context: SerializationContext) {
        var context = context
        // A prefixed attribute (`x:a` in `urn:x`) needs its prefix bound here unless
        // the context already binds it. Binding a prefix hides any other namespace
        // the context had under it, for this element and its children.
        var declarations: [(prefix: String, namespace: String)] = []
        for attribute in attributes {
            guard let namespace = attribute.namespace, namespace != XMPPNamespace.xml,
                let colon = attribute.name.firstIndex(of: ":")
            else { continue }
            let prefix = String(attribute.name[..<colon])
            guard context.prefixes[namespace] != prefix, !declarations.contains(where: { $0.prefix == prefix }) else { continue }
            declarations.append((prefix, namespace))
        }
        for declaration in declarations {
            context.prefixes = context.prefixes.filter { $0.value != declaration.prefix }
            context.prefixes[declaration.namespace] = declaration.prefix
        }
        output += "<"
        let qualifiedName: String
        if let namespace, let prefix = context.prefixes[namespace] {
            qualifiedName = prefix + ":" + name
        } else {
            qualifiedName = name
        }
        output += qualifiedName
        if context.prefixes[namespace ?? ""] == nil, namespace != context.defaultNamespace {
            output += " xmlns='"
            XMLEscaping.appendEscaped(namespace ?? "", to: &output, quote: true)
            output += "'"
            context.defaultNamespace = namespace
        }
        for declaration in declarations {
            output += " xmlns:"
            output += declaration.prefix
            output += "='"
            XMLEscaping.appendEscaped(declaration.namespace, to: &output, quote: true)
            output += "'"
        }
        for attribute in attributes {
            output += " "
            output += attribute.name
            output += "='"
            XMLEscaping.appendEscaped(attribute.value, to: &output, quote: true)
            output += "'"
        }
        if children.isEmpty {
            output += "/>"
            return
        }
        output += ">"
        for child in children {
            switch child {
            case .element(let element):
                element.write(to: &output, context: context)
            case .text(let text):
                XMLEscaping.appendEscaped(text, to: &output, quote: false)
            }
        }
        output += "</"
        output += qualifiedName
        output += ">"
    }
}

/// Escaping of character data and attribute values (XML 1.0 §2.4, §3.3.3).
public enum XMLEscaping {

    /// Appends `string` escaped. `quote` also escapes both quote characters and
    /// whitespace that attribute normalisation would otherwise change.
    ///
    /// Works on the UTF-8 bytes: runs that need no change (nearly all text) are
    /// appended whole, and a string with nothing to escape is appended as is.
    public static func appendEscaped(_ string: String, to output: inout String, quote: Bool) {
        var contiguous = string
        contiguous.withUTF8 { bytes in
            var runStart = 0
            var index = 0
            func flushRun() {
                if runStart < index {
                    output += String(decoding: UnsafeBufferPointer(rebasing: bytes[runStart..<index]), as: UTF8.self)
                }
            }
            while index < bytes.count {
                let byte = bytes[index]
                let replacement: StaticString?
                var skip = 1
                switch byte {
                case UInt8(ascii: "&"): replacement = "&amp;"
                case UInt8(ascii: "<"): replacement = "&lt;"
                case UInt8(ascii: ">"): replacement = "&gt;"
                case UInt8(ascii: "'") where quote: replacement = "&apos;"
                case UInt8(ascii: "\"") where quote: replacement = "&quot;"
                case UInt8(ascii: "\t") where quote: replacement = "&#9;"
                case UInt8(ascii: "\n") where quote: replacement = "&#10;"
                case UInt8(ascii: "\r"): replacement = "&#13;"
                case UInt8(ascii: "\t"), UInt8(ascii: "\n"):
                    index += 1
                    continue
                case 0..<0x20:
                    replacement = ""  // not an XML character: dropped
                case 0xEF where index + 2 < bytes.count && bytes[index + 1] == 0xBF && bytes[index + 2] >= 0xBE:
                    replacement = ""  // U+FFFE, U+FFFF: not XML characters
                    skip = 3
                default:
                    index += 1
                    continue
                }
                flushRun()
                if let replacement { output += replacement.description }
                index += skip
                runStart = index
            }
            if runStart == 0 {
                output += string
            } else {
                flushRun()
            }
        }
    }

    /// `string` escaped as character data.
    public static func escaped(_ string: String, quote: Bool = false) -> String {
        var output = ""
        appendEscaped(string, to: &output, quote: quote)
        return output
    }

    /// XML 1.0 `Char` production: tab, LF, CR, and everything from U+0020 except
    /// surrogates (which Swift scalars cannot hold) and U+FFFE/U+FFFF.
    public static func isAllowedInXML(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD: true
        case 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }
}
