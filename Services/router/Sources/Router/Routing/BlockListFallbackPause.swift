import Synchronization

/// When storage did not give a block list in time while its Redis cache was
/// not ready (docs/routing.md, "Failures"), routers stop asking it for lists
/// for a while and read them as empty: storage is away, and asking again for
/// every batch would cost every batch a whole request timeout. The first
/// batch after the pause asks again.
final class BlockListFallbackPause: Sendable {
    let length: Duration
    private let until = Mutex<ContinuousClock.Instant?>(nil)

    init(length: Duration) {
        self.length = length
    }

    /// Whether storage is not to be asked now.
    var isPaused: Bool {
        until.withLock { until in until.map { ContinuousClock.now < $0 } ?? false }
    }

    /// Storage failed to answer: do not ask again before `length` has passed.
    func pause() {
        until.withLock { $0 = .now + length }
    }
}
