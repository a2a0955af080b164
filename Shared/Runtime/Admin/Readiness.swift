import Synchronization

/// The checks `/ready` reports: services register a named check (e.g.
/// "redis connected") and flip it as their state changes. The process is
/// ready when every registered check passes.
public final class Readiness: Sendable {
    private let checks = Mutex<[(name: String, passing: Bool)]>([])

    public init() {}

    /// Adds a check (failing unless `passing`), or resets an existing one.
    public func register(_ name: String, passing: Bool = false) {
        set(name, passing: passing)
    }

    public func set(_ name: String, passing: Bool) {
        checks.withLock { checks in
            if let index = checks.firstIndex(where: { $0.name == name }) {
                checks[index].passing = passing
            } else {
                checks.append((name, passing))
            }
        }
    }

    /// The names of the failing checks, in registration order; empty when ready.
    public var failing: [String] {
        checks.withLock { $0.filter { !$0.passing }.map(\.name) }
    }

    public var isReady: Bool { failing.isEmpty }
}
