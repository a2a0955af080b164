/// The id of an archived message (XEP-0313) and of the XEP-0359 stanza id it
/// was delivered with: the `route:{p}` stream entry the message arrived in,
/// and `p`.
///
/// A stream entry id (`<ms>-<seq>`) is unique within its partition and
/// increases with Redis's clock, which every router shares; adding the
/// partition makes it unique across the cluster. The id is therefore known
/// to whichever router routes the entry — again the same after a takeover —
/// with no coordination, and ids sort by the time the cluster accepted the
/// message (then by partition for entries of the same millisecond and
/// sequence). Written `<ms>-<seq>-<p>`: `1764150000000-0-17`.
public struct ArchiveID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Redis's time when the gateway queued the message, in ms since 1970.
    public var milliseconds: Int64
    /// The entry's sequence number within that millisecond of its stream.
    public var sequence: Int64
    public var partition: Int

    public init(milliseconds: Int64, sequence: Int64, partition: Int) {
        self.milliseconds = milliseconds
        self.sequence = sequence
        self.partition = partition
    }

    /// The id of the message in stream entry `entryID` (`<ms>-<seq>`) of
    /// partition `partition`.
    public init?(streamEntryID entryID: String, partition: Int) {
        let parts = entryID.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let milliseconds = Int64(parts[0]), let sequence = Int64(parts[1]), partition >= 0 else {
            return nil
        }
        self.init(milliseconds: milliseconds, sequence: sequence, partition: partition)
    }

    /// Reads `<ms>-<seq>-<p>`; `nil` for anything else (an id no archive holds).
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigitCharacter) }),
            let milliseconds = Int64(parts[0]), let sequence = Int64(parts[1]), let partition = Int(parts[2])
        else { return nil }
        self.init(milliseconds: milliseconds, sequence: sequence, partition: partition)
    }

    public var description: String { "\(milliseconds)-\(sequence)-\(partition)" }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.milliseconds, lhs.sequence, lhs.partition) < (rhs.milliseconds, rhs.sequence, rhs.partition)
    }
}

extension Character {
    fileprivate var isASCIIDigitCharacter: Bool { ("0"..."9").contains(self) }
}
