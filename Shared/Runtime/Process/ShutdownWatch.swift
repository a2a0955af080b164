import ServiceLifecycle
import Synchronization

/// Notes when a graceful shutdown begins, so the process can tell a clean
/// stop from one that overran `shutdown_grace_seconds` (ServiceGroup then
/// cancels the stragglers, which may still return without an error).
///
/// Placed last in the group, it is the first service told to shut down.
final class ShutdownWatch: Service, Sendable {
    private let started = Mutex<ContinuousClock.Instant?>(nil)

    func run() async throws {
        try await gracefulShutdown()
        started.withLock { $0 = .now }
    }

    /// How long the graceful shutdown has taken so far, or `nil` if none began.
    var elapsed: Duration? {
        started.withLock { $0.map { .now - $0 } }
    }
}

/// Why `TrellisProcess.runServices` ended badly.
public struct TrellisProcessError: Error, Sendable, CustomStringConvertible {
    public let description: String

    static func gracefulShutdownOverran(_ elapsed: Duration, limit: Int) -> Self {
        .init(description: "graceful shutdown took \(elapsed), more than shutdown_grace_seconds=\(limit)")
    }
}
