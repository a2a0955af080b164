import NIOHTTP1

extension BOSHSessions {
    /// §21 (security): 128 bits from the system's cryptographic generator, as hex.
    static func makeSID() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let hex = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }

    /// §7.1 `content`: used as the responses' `Content-Type` only when it is a
    /// short, plain media type (no line breaks can reach a header).
    static func safeContentType(_ value: String) -> String? {
        guard (1...100).contains(value.utf8.count),
            value.utf8.allSatisfy({ (0x20...0x7E).contains($0) && $0 != UInt8(ascii: "\\") })
        else { return nil }
        return value
    }

    /// `<body type='terminate' condition='…'/>` for a request no session answers.
    static func terminal(_ condition: BOSHTerminalCondition, legacy: Bool) -> HTTPResponse {
        BOSHSession.httpResponse(.terminate(condition), condition: condition, legacy: legacy)
    }
}
