#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension JIDNormalization {
    /// The domainpart (RFC 7622 §3.2): an IP literal, an IPv4 address or a
    /// fully qualified domain name.
    ///
    /// Names are lowercased, width-mapped and NFC-normalised (an approximation of
    /// the IDNA2008 mapping of RFC 5895; no Punycode conversion is done), the
    /// IDNA2003 label separators U+3002, U+FF0E and U+FF61 become '.', and one
    /// trailing '.' is stripped (RFC 7622 §3.2). Each label must be 1–63 bytes
    /// (RFC 1035 §2.3.4, measured in UTF-8 here rather than as an A-label).
    static func domainpart(_ input: some StringProtocol) throws(JIDError) -> String {
        if input.isEmpty { throw .domainpart(.empty) }
        if input.utf8.first == UInt8(ascii: "[") { return try ipLiteral(input) }

        var name: String
        if PRECIS.isASCII(input) {
            var hasUppercase = false
            for byte in input.utf8 {
                guard isAllowedASCIIInDomain(byte) else {
                    throw .domainpart(.disallowedCharacter(Unicode.Scalar(byte)))
                }
                if byte >= 0x41 && byte <= 0x5A { hasUppercase = true }
            }
            name = hasUppercase ? asciiLowercased(input) : String(input)
        } else {
            var mapped = String.UnicodeScalarView()
            for scalar in input.unicodeScalars {
                var widthMapped = String.UnicodeScalarView()
                PRECIS.appendWidthMapped(scalar, to: &widthMapped)
                for mappedScalar in widthMapped {
                    switch mappedScalar.value {
                    case 0x3002, 0xFF0E, 0xFF61: mapped.append(".")  // IDNA2003 §3.1 dots
                    default: mapped.append(contentsOf: mappedScalar.properties.lowercaseMapping.unicodeScalars)
                    }
                }
            }
            name = PRECIS.nfc(String(mapped))
            for scalar in name.unicodeScalars {
                if scalar.isASCII {
                    guard isAllowedASCIIInDomain(UInt8(scalar.value)) else {
                        throw .domainpart(.disallowedCharacter(scalar))
                    }
                } else if !PRECIS.isAllowed(scalar, in: .identifier) {
                    // IDNA2008 (RFC 5892) PVALID approximated by IdentifierClass.
                    throw .domainpart(.disallowedCharacter(scalar))
                }
            }
        }
        // RFC 7622 §3.2: a final label separator MUST be stripped.
        if name.utf8.last == UInt8(ascii: ".") { name.unicodeScalars.removeLast() }
        if name.isEmpty { throw .domainpart(.empty) }
        let length = name.utf8.count
        if length > maximumPartLength { throw .domainpart(.tooLong(bytes: length)) }

        let labels = name.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        for label in labels where label.isEmpty || label.count > 63 {
            throw .domainpart(.invalidLabel(String(decoding: label, as: UTF8.self)))
        }
        // An all-numeric last label is not a DNS name; it must be a dotted quad.
        if let last = labels.last, last.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            guard isIPv4(name) else { throw .domainpart(.invalidIPAddress(name)) }
        }
        return name
    }

    /// ASCII allowed in a domain name: letters, digits, '-', '_' and '.'.
    /// Everything else — whitespace, controls, '@', '/', other punctuation — is not.
    /// ('_' is outside LDH but common in internal names, so it is tolerated.)
    @inline(__always)
    static func isAllowedASCIIInDomain(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
            true
        default: false
        }
    }

    /// A dotted-quad IPv4 address (RFC 3986 §3.2.2 IPv4address), as inet_pton
    /// accepts it: four decimal octets, no leading zeros.
    static func isIPv4(_ string: String) -> Bool {
        var address = in_addr()
        return string.withCString { inet_pton(AF_INET, $0, &address) } == 1
    }

    /// RFC 7622 §3.2 / RFC 3986 §3.2.2: `[` IPv6address `]`. The address is
    /// validated with inet_pton(AF_INET6) and rewritten in the canonical text
    /// form inet_ntop produces (RFC 5952), so equal addresses compare equal.
    static func ipLiteral(_ input: some StringProtocol) throws(JIDError) -> String {
        let text = String(input)
        guard text.utf8.count >= 3, text.utf8.last == UInt8(ascii: "]") else {
            throw .domainpart(.invalidIPAddress(text))
        }
        let inner = String(decoding: text.utf8.dropFirst().dropLast(), as: UTF8.self)
        var address = in6_addr()
        guard inner.withCString({ inet_pton(AF_INET6, $0, &address) }) == 1 else {
            throw .domainpart(.invalidIPAddress(text))
        }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let canonical: String? = buffer.withUnsafeMutableBufferPointer { pointer in
            guard inet_ntop(AF_INET6, &address, pointer.baseAddress, socklen_t(pointer.count)) != nil else {
                return nil
            }
            return String(cString: pointer.baseAddress!)
        }
        return "[" + (canonical ?? inner.lowercased()) + "]"
    }
}
