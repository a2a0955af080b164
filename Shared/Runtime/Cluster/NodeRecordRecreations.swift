import Synchronization

/// Tells a role's services when the heartbeat had to create this node's record
/// anew although it had written it before: the record expired (a stall, Redis
/// away for longer than the TTL) or Redis lost it. The routers' sweeper may
/// have removed the node's sessions meanwhile, so gateways register them again.
public final class NodeRecordRecreations: Sendable {
    private let continuations = Mutex<[Int: AsyncStream<Void>.Continuation]>([:])
    private let next = Atomic<Int>(0)

    public init() {}

    /// A stream of recreations from now on; it ends when the subscriber stops iterating.
    public func events() -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let id = next.add(1, ordering: .relaxed).newValue
        continuations.withLock { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in self?.continuations.withLock { _ = $0.removeValue(forKey: id) } }
        return stream
    }

    func publish() {
        for continuation in continuations.withLock({ Array($0.values) }) { continuation.yield() }
    }
}
