import Foundation

/// Base64 as SASL in XMPP uses it (RFC 6120 §6.4.2): no line breaks, `=` alone for
/// an empty response, and strict decoding — whitespace or bad padding is
/// `incorrect-encoding`.
enum Base64 {
    static func encode(_ data: [UInt8]) -> String {
        Data(data).base64EncodedString()
    }

    /// Decodes the text of an `<auth/>` or `<response/>`. `=` is an empty payload.
    static func decodeSASL(_ text: String) -> [UInt8]? {
        if text == "=" { return [] }
        guard let data = Data(base64Encoded: text) else { return nil }
        return Array(data)
    }
}
