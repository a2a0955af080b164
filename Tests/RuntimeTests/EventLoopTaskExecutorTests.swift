import NIOCore
import NIOPosix
import Testing
import Runtime

/// A session task that prefers its channel's event loop runs there, and comes
/// back there after awaiting work done elsewhere.
@Suite("tasks on an event loop (c2s sessions, router shards)")
struct EventLoopTaskExecutorTests {
    @Test func aTaskPreferringAnEventLoopRunsAndResumesOnIt() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let home = group.any()
        let elsewhere = group.next() === home ? group.next() : group.next()
        let observed = await Task(executorPreference: EventLoopTaskExecutor(home)) { () -> [Bool] in
            var seen = [home.inEventLoop]
            await Task.yield()
            seen.append(home.inEventLoop)
            // A future completed on another loop (as Redis replies are) resumes the task at home.
            _ = try? await elsewhere.submit { elsewhere.inEventLoop }.get()
            seen.append(home.inEventLoop)
            // A nonisolated async callee runs at home too.
            seen.append(await Self.onLoop(home))
            return seen
        }.value
        #expect(observed == [true, true, true, true])
        try await group.shutdownGracefully()
    }

    static func onLoop(_ loop: any EventLoop) async -> Bool {
        await Task.yield()
        return loop.inEventLoop
    }
}
