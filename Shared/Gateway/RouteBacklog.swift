/// Which route partitions are too far behind for more stanzas (issue #16),
/// with hysteresis: a partition is *behind* from when its backlog reaches
/// `high` until it is back down to `low`. Pure; `RouteBacklogMonitor` feeds it
/// the partitions' lengths.
public struct RouteBacklog: Sendable, Equatable {
    public let high: Int
    public let low: Int
    public private(set) var behind: Set<Int> = []

    public init(high: Int, low: Int) {
        self.high = high
        self.low = min(low, high)
    }

    /// Backpressure is on at all.
    public var isEnabled: Bool { high > 0 }

    /// Takes the current length of every partition (by index).
    public mutating func update(lengths: [Int]) {
        guard isEnabled else { return }
        for (partition, length) in lengths.enumerated() {
            if length >= high {
                behind.insert(partition)
            } else if length <= low {
                behind.remove(partition)
            }
        }
    }

    /// Nothing is known (Redis is away): hold nobody back; their writes fail
    /// on their own and are answered with errors.
    public mutating func forget() {
        behind = []
    }
}
