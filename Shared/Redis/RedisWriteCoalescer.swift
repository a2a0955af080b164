import NIOCore
import Synchronization

/// Hands command batches to a connection's channel in the order they were
/// sent, and writes every batch queued since the event loop last ran in one
/// flush: under load many callers share one `write` system call and one
/// event-loop task instead of one each.
final class RedisWriteCoalescer: Sendable {
    private struct Queue {
        var batches: [RedisOutboundBatch] = []
        var drainScheduled = false
    }

    private let channel: any Channel
    private let queue = Mutex(Queue())

    init(channel: any Channel) {
        self.channel = channel
    }

    func enqueue(_ batch: RedisOutboundBatch) {
        let schedule = queue.withLock { queue in
            queue.batches.append(batch)
            guard !queue.drainScheduled else { return false }
            queue.drainScheduled = true
            return true
        }
        guard schedule else { return }
        channel.eventLoop.execute { self.drain() }
    }

    /// On the event loop: writes what is queued, in order, then flushes once.
    private func drain() {
        let batches = queue.withLock { queue in
            queue.drainScheduled = false
            defer { queue.batches.removeAll(keepingCapacity: true) }
            return queue.batches
        }
        for batch in batches {
            // A batch that never reaches the handler (the channel closed
            // meanwhile) fails instead of waiting for a reply.
            let written = channel.eventLoop.makePromise(of: Void.self)
            written.futureResult.whenFailure { error in
                batch.replies.fail(error is RedisError ? error : RedisError.connectionClosed)
            }
            channel.write(batch, promise: written)
        }
        channel.flush()
    }
}
