import NIOCore
import Synchronization

/// Stops reading from a client socket while its session task is behind by
/// `high` chunks (c2s) or messages (WebSocket), and resumes when it is down to
/// `low` — so a fast sender cannot grow the queue between the socket and the
/// session without bound.
public final class InboundBackpressure: Sendable {
    private let queued = Atomic<Int>(0)
    private let paused = Atomic<Bool>(false)
    public let high: Int
    public let low: Int

    public init(high: Int = 16, low: Int = 4) {
        self.high = high
        self.low = low
    }

    /// A chunk was queued (on the event loop).
    public func queuedOne(_ channel: any Channel) {
        let count = queued.add(1, ordering: .relaxed).newValue
        if count >= high, paused.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged {
            channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
        }
    }

    /// The session consumed a chunk (in its task).
    public func consumedOne(_ channel: any Channel) {
        let count = queued.subtract(1, ordering: .relaxed).newValue
        if count <= low, paused.compareExchange(expected: true, desired: false, ordering: .relaxed).exchanged {
            channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
        }
    }
}
