/// The id of one Trellis process in the cluster (`c2s-1`, `router-3f9a0c1e`).
///
/// Ids appear inside Redis hash tags and key names, so they are restricted to
/// ASCII letters, digits, `-`, `_` and `.`, 1…64 characters.
public struct NodeID: Sendable, Hashable, CustomStringConvertible, Comparable {
    public let rawValue: String

    /// Returns `nil` when `rawValue` is empty, too long or has a character outside
    /// `[A-Za-z0-9._-]`.
    public init?(_ rawValue: String) {
        guard (1...64).contains(rawValue.utf8.count),
            rawValue.utf8.allSatisfy(NodeID.isAllowed)
        else { return nil }
        self.rawValue = rawValue
    }

    /// A fresh id for a process of `role`: the role name and 8 random hex digits.
    public static func random(role: NodeRole) -> NodeID {
        let suffix = UInt32.random(in: .min ... .max)
        let hex = String(suffix, radix: 16)
        return NodeID(role.rawValue + "-" + String(repeating: "0", count: 8 - hex.count) + hex)!
    }

    public var description: String { rawValue }

    public static func < (lhs: NodeID, rhs: NodeID) -> Bool { lhs.rawValue < rhs.rawValue }

    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
            true
        default:
            false
        }
    }
}

/// The role a process plays.
public enum NodeRole: String, Sendable, Hashable, CaseIterable {
    case c2s
    case boshGateway = "bosh-gateway"
    case router
    case storage

    /// Gateways terminate client connections and read a delivery stream.
    public var isGateway: Bool { self == .c2s || self == .boshGateway }
}
