/// The session parameters a BOSH connection manager grants (XEP-0124 §7.1–§7.2):
/// the client proposes `wait`, `hold` and `ver`; the gateway caps them by its
/// configuration and decides `requests`, `polling`, `inactivity` and `maxpause`.
/// Vines trusted the client's `wait`/`hold`; Trellis never does.
public struct BOSHSessionParameters: Sendable, Hashable {
    /// Longest time a request is held before an empty answer, seconds.
    public var wait: Int
    /// Requests the gateway keeps waiting at once.
    public var hold: Int
    /// Requests the client may have open at once: `hold + 1` (§7.1).
    public var requests: Int
    /// Shortest interval between two empty polls when `hold` is 0, seconds.
    public var polling: Int
    /// Time without any open request after which the session ends, seconds.
    public var inactivity: Int
    /// Longest pause a client may ask for (§10), seconds.
    public var maxPause: Int
    /// Protocol version in use: the lower of the client's and ours (§6).
    public var version: String
    /// The client asked for acknowledgements (§9.1).
    public var acknowledgements: Bool

    /// The gateway's limits (`bosh.max_wait`, `bosh.max_hold`, …).
    public struct Limits: Sendable, Hashable {
        public var maxWait: Int
        public var maxHold: Int
        public var polling: Int
        public var inactivity: Int
        public var maxPause: Int

        public init(maxWait: Int = 60, maxHold: Int = 1, polling: Int = 2, inactivity: Int = 60, maxPause: Int = 120) {
            self.maxWait = maxWait
            self.maxHold = maxHold
            self.polling = polling
            self.inactivity = inactivity
            self.maxPause = maxPause
        }
    }

    /// The highest XEP-0124 version this gateway speaks.
    public static let supportedVersion = "1.11"

    /// Grants parameters for a session creation request's attributes, or `nil` when
    /// a required one is missing or not a number (answered `bad-request`).
    public static func negotiate(
        wait: String?, hold: String?, version: String?, ack: String?, limits: Limits
    ) -> BOSHSessionParameters? {
        guard let wait = wait.flatMap(Int.init), wait >= 0, let hold = hold.flatMap(Int.init), hold >= 0 else {
            return nil
        }
        let grantedHold = min(hold, limits.maxHold)
        return BOSHSessionParameters(
            wait: max(1, min(wait, limits.maxWait)), hold: grantedHold, requests: grantedHold + 1,
            polling: limits.polling, inactivity: limits.inactivity, maxPause: limits.maxPause,
            version: lowerVersion(version ?? "1.6", supportedVersion), acknowledgements: ack == "1")
    }

    /// Compares `major.minor` numerically (§6: "1.10" is newer than "1.9").
    static func lowerVersion(_ lhs: String, _ rhs: String) -> String {
        func parts(_ version: String) -> (Int, Int) {
            let pieces = version.split(separator: ".")
            return (pieces.first.flatMap { Int($0) } ?? 0, pieces.dropFirst().first.flatMap { Int($0) } ?? 0)
        }
        let (l, r) = (parts(lhs), parts(rhs))
        return l < r ? lhs : rhs
    }
}
