/// Preparation and enforcement of the three JID parts (RFC 7622 §3.2–§3.4).
/// Each function returns the normalised part or throws the reason it is invalid.
enum JIDNormalization {
    /// RFC 7622 §3.2–§3.4: each part is 1–1023 bytes of UTF-8 once normalised.
    static let maximumPartLength = 1023

    // MARK: Localpart (RFC 7622 §3.3)

    /// RFC 7622 §3.3.1: characters the localpart may not contain even though
    /// the UsernameCaseMapped profile allows them.
    @inline(__always)
    static func isForbiddenInLocalpart(_ byte: UInt32) -> Bool {
        switch byte {
        case 0x22, 0x26, 0x27, 0x2F, 0x3A, 0x3C, 0x3E, 0x40: true  // " & ' / : < > @
        default: false
        }
    }

    /// The localpart under the PRECIS UsernameCaseMapped profile (RFC 8265 §3.3):
    /// width mapping, lowercasing, NFC, then the IdentifierClass check, plus the
    /// RFC 7622 §3.3.1 exclusions.
    static func localpart(_ input: some StringProtocol) throws(JIDError) -> String {
        if input.isEmpty { throw .localpart(.empty) }
        let output: String
        if PRECIS.isASCII(input) {
            // ASCII fast path: width mapping and NFC are identities on ASCII.
            var hasUppercase = false
            for byte in input.utf8 {
                guard byte >= 0x21, byte <= 0x7E, !isForbiddenInLocalpart(UInt32(byte)) else {
                    throw .localpart(.disallowedCharacter(Unicode.Scalar(byte)))
                }
                if byte >= 0x41 && byte <= 0x5A { hasUppercase = true }
            }
            output = hasUppercase ? asciiLowercased(input) : String(input)
        } else {
            // RFC 8265 §3.3.2 rule 1: width mapping.
            var widthMapped = String.UnicodeScalarView()
            for scalar in input.unicodeScalars { PRECIS.appendWidthMapped(scalar, to: &widthMapped) }
            // Rule 3: case mapping with Unicode toLowerCase (no context, so
            // U+03A3 always becomes U+03C3; final sigma U+03C2 is kept as is).
            var lowered = String.UnicodeScalarView()
            for scalar in widthMapped {
                lowered.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
            // Rule 4: normalisation form C.
            output = PRECIS.nfc(String(lowered))
            for scalar in output.unicodeScalars {
                guard !isForbiddenInLocalpart(scalar.value), PRECIS.isAllowed(scalar, in: .identifier) else {
                    throw .localpart(.disallowedCharacter(scalar))
                }
            }
        }
        if output.isEmpty { throw .localpart(.empty) }
        let length = output.utf8.count
        if length > maximumPartLength { throw .localpart(.tooLong(bytes: length)) }
        return output
    }

    /// ASCII-only lowercasing of an all-ASCII string.
    static func asciiLowercased(_ input: some StringProtocol) -> String {
        String(unsafeUninitializedCapacity: input.utf8.count) { buffer in
            var count = 0
            for byte in input.utf8 {
                buffer[count] = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
                count += 1
            }
            return count
        }
    }

    // MARK: Resourcepart (RFC 7622 §3.4)

    /// The resourcepart under the PRECIS OpaqueString profile (RFC 8265 §4.2):
    /// non-ASCII spaces become U+0020, NFC, then the FreeformClass check.
    /// Case and width are preserved.
    static func resourcepart(_ input: some StringProtocol) throws(JIDError) -> String {
        if input.isEmpty { throw .resourcepart(.empty) }
        let output: String
        if PRECIS.isASCII(input) {
            for byte in input.utf8 where byte < 0x20 || byte == 0x7F {
                throw .resourcepart(.disallowedCharacter(Unicode.Scalar(byte)))
            }
            output = String(input)
        } else {
            // RFC 8265 §4.2.2 rule 1: map non-ASCII spaces (Zs) to U+0020.
            var mapped = String.UnicodeScalarView()
            for scalar in input.unicodeScalars {
                if scalar.value > 0x7F, scalar.properties.generalCategory == .spaceSeparator {
                    mapped.append(" ")
                } else {
                    mapped.append(scalar)
                }
            }
            // Rule 3: normalisation form C.
            output = PRECIS.nfc(String(mapped))
            for scalar in output.unicodeScalars where !PRECIS.isAllowed(scalar, in: .freeform) {
                throw .resourcepart(.disallowedCharacter(scalar))
            }
        }
        // RFC 8265 §4.2.3: the result must not be the empty string.
        if output.isEmpty { throw .resourcepart(.empty) }
        let length = output.utf8.count
        if length > maximumPartLength { throw .resourcepart(.tooLong(bytes: length)) }
        return output
    }
}
