import Foundation

/// The parts of PRECIS (RFC 8264) that JIDs need: the IdentifierClass and
/// FreeformClass string classes, approximated from Unicode properties, and the
/// width-mapping and NFC steps of the RFC 8265 profiles.
///
/// Approximations (see docs/jid.md): the derived property table of RFC 8264 §8
/// is computed from the general category of the Unicode version Swift ships;
/// CONTEXTJ/CONTEXTO code points (ZWJ, ZWNJ, middle dot, …) are disallowed
/// rather than checked in context; the Bidi Rule (RFC 5893) is not applied.
enum PRECIS {
    enum StringClass {
        /// RFC 8264 §4.2: letters, digits and ASCII printable characters.
        case identifier
        /// RFC 8264 §4.3: additionally spaces, symbols, punctuation and
        /// compatibility characters.
        case freeform
    }

    /// Whether `scalar` is PVALID in `stringClass` (RFC 8264 §8, §9).
    static func isAllowed(_ scalar: Unicode.Scalar, in stringClass: StringClass) -> Bool {
        let value = scalar.value
        // §9.11 ASCII7: U+0021..U+007E are PVALID in both classes.
        if value >= 0x21 && value <= 0x7E { return true }
        if value == 0x20 { return stringClass == .freeform }  // §9.14 Spaces
        if value < 0x20 || value == 0x7F { return false }  // §9.12 Controls
        let properties = scalar.properties
        switch properties.generalCategory {
        case .unassigned, .surrogate, .privateUse, .control, .format,
            .lineSeparator, .paragraphSeparator:
            // §9.13 Unassigned, §9.12 Controls; Cf covers JoinControl (§9.8,
            // CONTEXTJ, approximated as disallowed) and most ignorables.
            return false
        default: break
        }
        // §9.13 PrecisIgnorableProperties: default-ignorable and noncharacters.
        if properties.isDefaultIgnorableCodePoint || properties.isNoncharacterCodePoint { return false }
        // §9.9 OldHangulJamo (conjoining jamo blocks, approximated by range).
        if (0x1100...0x11FF).contains(value) || (0xA960...0xA97F).contains(value)
            || (0xD7B0...0xD7FF).contains(value)
        {
            return false
        }
        // §9.17 HasCompat: toNFKC(cp) != cp — ID_DIS, FREE_PVAL.
        if hasCompatibilityMapping(scalar) { return stringClass == .freeform }
        switch properties.generalCategory {
        // §9.1 LetterDigits: Ll, Lu, Lo, Nd, Lm, Mn, Mc — PVALID.
        case .lowercaseLetter, .uppercaseLetter, .otherLetter, .decimalNumber,
            .modifierLetter, .nonspacingMark, .spacingMark:
            return true
        // §9.2 OtherLetterDigits (Lt, Nl, No, Me), §9.14 Spaces (Zs),
        // §9.15 Symbols (Sm, Sc, Sk, So), §9.16 Punctuation (P*): ID_DIS / FREE_PVAL.
        case .titlecaseLetter, .letterNumber, .otherNumber, .enclosingMark,
            .spaceSeparator,
            .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol,
            .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return stringClass == .freeform
        default:
            return false
        }
    }

    /// RFC 8264 §9.17: the code point changes under NFKC.
    static func hasCompatibilityMapping(_ scalar: Unicode.Scalar) -> Bool {
        let string = String(scalar)
        return string.precomposedStringWithCompatibilityMapping != string
    }

    /// RFC 8265 §3.3.2 step 1 / RFC 8264 §9.17 width mapping: fullwidth and
    /// halfwidth forms (U+FF01–U+FFEE, all `<wide>`/`<narrow>` decompositions)
    /// become their decomposition mappings; U+FF01–U+FF5E map to ASCII.
    static func appendWidthMapped(_ scalar: Unicode.Scalar, to output: inout String.UnicodeScalarView) {
        let value = scalar.value
        if value >= 0xFF01 && value <= 0xFF5E {
            output.append(Unicode.Scalar(UInt8(value - 0xFF01 + 0x21)))
        } else if value >= 0xFF5F && value <= 0xFFEE {
            output.append(contentsOf: String(scalar).precomposedStringWithCompatibilityMapping.unicodeScalars)
        } else {
            output.append(scalar)
        }
    }

    /// Unicode Normalization Form C (RFC 8264 §5.2.4).
    static func nfc(_ string: String) -> String {
        string.precomposedStringWithCanonicalMapping
    }

    /// Whether every byte of `string` is ASCII (the fast path skips Foundation).
    @inline(__always)
    static func isASCII(_ string: some StringProtocol) -> Bool {
        string.utf8.allSatisfy { $0 < 0x80 }
    }
}
