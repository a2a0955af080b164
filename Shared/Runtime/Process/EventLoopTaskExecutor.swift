import NIOCore

/// A task executor that runs jobs on one NIO event loop. A c2s session task
/// prefers its channel's event loop: bytes read are handed to the task, and its
/// writes reach the socket, on the same thread, instead of crossing between the
/// event loop and the concurrency pool for each read and write. A router shard
/// prefers the event loop of its Redis client for the same reason.
/// Nothing on it may block (the loop also serves the channel's I/O); awaiting
/// suspends the task, never the thread.
public final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    public let eventLoop: any EventLoop

    public init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
