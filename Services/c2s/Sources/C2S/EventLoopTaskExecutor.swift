import NIOCore

/// A task executor that runs jobs on one NIO event loop. A connection's session
/// task prefers its channel's event loop: bytes read are handed to the task,
/// and its writes reach the socket, on the same thread, instead of crossing
/// between the event loop and the concurrency pool for each read and write.
/// Nothing on it may block (the loop also serves the channel's I/O); awaiting
/// suspends the task, never the thread.
final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
