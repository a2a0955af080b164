/// An IPv4 network in CIDR notation (`172.31.240.0/24`), for `vroute_network`.
public struct IPv4Network: Sendable, Hashable {
    public let address: UInt32
    public let prefixLength: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = Self.parse(String(parts[0])), let length = Int(parts[1]), (0...32).contains(length)
        else { return nil }
        self.address = address
        self.prefixLength = length
    }

    public func contains(_ address: String) -> Bool {
        guard let value = Self.parse(address) else { return false }
        let mask: UInt32 = prefixLength == 0 ? 0 : ~UInt32(0) << (32 - prefixLength)
        return value & mask == self.address & mask
    }

    /// Dotted-quad IPv4 as a number; `nil` for anything else.
    public static func parse(_ text: String) -> UInt32? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var value: UInt32 = 0
        for octet in octets {
            guard (1...3).contains(octet.count), octet.allSatisfy(\.isASCII), let number = UInt8(octet) else { return nil }
            value = value << 8 | UInt32(number)
        }
        return value
    }
}
