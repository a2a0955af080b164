import Foundation
import NIOCore
import NIOPosix

/// Many load clients on a few event loops: connects them with a bounded number
/// of logins in flight, and closes them all.
final class ClientFleet: Sendable {
    let group: MultiThreadedEventLoopGroup
    let cache = SaltedPasswordCache()
    let options: LoadOptions

    init(options: LoadOptions) {
        self.options = options
        group = MultiThreadedEventLoopGroup(numberOfThreads: options.threads)
    }

    struct Outcome {
        /// In the order of the accounts; nil where the login failed.
        var connections: [LoadConnection?]
        var failures: [String]
        var elapsed: Duration
        /// Connect-to-presence-echo time of each successful login.
        var loginLatency: LatencyRecorder
        var succeeded: Int { connections.count - failures.count }
    }

    /// Logs every account in, at most `options.concurrency` at a time. `loop(i)`
    /// picks the event loop of account `i` (so partners can share one).
    func connect(_ accounts: [LoadAccount], loop: (Int) -> any EventLoop) async -> Outcome {
        let start = ContinuousClock.now
        var connections = [LoadConnection?](repeating: nil, count: accounts.count)
        var failures: [String] = []
        var latency = LatencyRecorder(capacity: accounts.count)
        await withTaskGroup(of: (Int, Result<LoadConnection, any Error>, UInt64, UInt64).self) { tasks in
            var next = 0
            func launch() {
                let index = next
                next += 1
                let account = accounts[index]
                let eventLoop = loop(index)
                let endpoint = options.endpoint, cache = cache, timeout = options.timeout
                tasks.addTask {
                    let began = monotonicNanoseconds()
                    do {
                        let connection = try await LoadConnection.connect(
                            account, to: endpoint, on: eventLoop, cache: cache, timeout: timeout
                        ).get()
                        return (index, .success(connection), began, monotonicNanoseconds())
                    } catch {
                        return (index, .failure(error), began, monotonicNanoseconds())
                    }
                }
            }
            while next < min(options.concurrency, accounts.count) { launch() }
            for await (index, result, began, ended) in tasks {
                switch result {
                case .success(let connection):
                    connections[index] = connection
                    latency.record(sentAt: began, receivedAt: ended)
                case .failure(let error):
                    failures.append("\(accounts[index].bare)/\(accounts[index].resource): \(error)")
                }
                if next < accounts.count { launch() }
            }
        }
        return Outcome(
            connections: connections, failures: failures, elapsed: ContinuousClock.now - start, loginLatency: latency)
    }

    func connect(_ accounts: [LoadAccount]) async -> Outcome {
        let loops = Array(group.makeIterator())
        return await connect(accounts) { loops[$0 % loops.count] }
    }

    /// Closes every connection (each on its own loop) and waits a moment for the
    /// closes to be written.
    func closeAll(_ connections: [LoadConnection?]) async {
        let futures = connections.compactMap { $0 }.map { connection in
            connection.eventLoop.submit { connection.close() }
        }
        for future in futures { try? await future.get() }
        try? await Task.sleep(for: .milliseconds(200))
    }

    func shutdown() async {
        try? await group.shutdownGracefully()
    }

    /// Prints at most a few of the failures.
    static func printFailures(_ failures: [String], limit: Int = 5) {
        for failure in failures.prefix(limit) { print("  failed: \(failure)") }
        if failures.count > limit { print("  … and \(failures.count - limit) more") }
    }
}
