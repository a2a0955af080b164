import Cluster
import Synchronization

/// The requests of one client that still wait for a reply, by request id.
///
/// A slot is opened *before* the request is sent, so a reply that arrives
/// before the caller starts waiting is kept, not mistaken for a late one.
/// A reply for an id without a slot (the caller timed out or gave up) is
/// dropped: `deliver` returns `false`.
final class ReplyWaiters: Sendable {
    private enum Slot {
        case open
        case waiting(CheckedContinuation<StorageReply, any Error>)
        case arrived(StorageReply)
        case failed(StorageClientError)
    }

    private let slots = Mutex<[String: Slot]>([:])

    var count: Int { slots.withLock { $0.count } }

    func open(_ id: String) {
        slots.withLock { $0[id] = .open }
    }

    /// Waits for the reply to `id` (opened before); throws what `fail` passes.
    func wait(for id: String) async throws -> StorageReply {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let ready: Result<StorageReply, any Error>? = slots.withLock { slots in
                    switch slots[id] {
                    case .arrived(let reply):
                        slots[id] = nil
                        return .success(reply)
                    case .failed(let error):
                        slots[id] = nil
                        return .failure(error)
                    case .open:
                        slots[id] = .waiting(continuation)
                        return nil
                    case .waiting, nil:
                        return .failure(StorageClientError.cancelled)
                    }
                }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            fail(id, with: StorageClientError.cancelled)
        }
    }

    /// Hands a reply to its waiter; `false` when nobody waits for it (late).
    @discardableResult
    func deliver(_ reply: StorageReply) -> Bool {
        let continuation: CheckedContinuation<StorageReply, any Error>?? = slots.withLock { slots in
            switch slots[reply.id] {
            case .open:
                slots[reply.id] = .arrived(reply)
                return .some(nil)
            case .waiting(let continuation):
                slots[reply.id] = nil
                return .some(continuation)
            case .arrived, .failed, nil:
                return nil
            }
        }
        guard let continuation else { return false }
        continuation?.resume(returning: reply)
        return true
    }

    /// Ends the wait for `id` with `error`; a caller that has not begun to wait
    /// gets the error when it does.
    func fail(_ id: String, with error: StorageClientError) {
        let continuation: CheckedContinuation<StorageReply, any Error>? = slots.withLock { slots in
            switch slots[id] {
            case .open:
                slots[id] = .failed(error)
                return nil
            case .waiting(let continuation):
                slots[id] = nil
                return continuation
            case .arrived, .failed, nil:
                return nil
            }
        }
        continuation?.resume(throwing: error)
    }

    /// Forgets `id` without waking anyone (the request could not be sent).
    func close(_ id: String) {
        slots.withLock { _ = $0.removeValue(forKey: id) }
    }

    /// Ends every wait with `error` (the listener stopped); callers that have
    /// not begun to wait get it when they do.
    func failAll(with error: StorageClientError) {
        let waiting = slots.withLock { slots in
            var waiting: [CheckedContinuation<StorageReply, any Error>] = []
            for (id, slot) in slots {
                switch slot {
                case .waiting(let continuation):
                    waiting.append(continuation)
                    slots[id] = nil
                case .open:
                    slots[id] = .failed(error)
                case .arrived, .failed:
                    break
                }
            }
            return waiting
        }
        for continuation in waiting { continuation.resume(throwing: error) }
    }
}
