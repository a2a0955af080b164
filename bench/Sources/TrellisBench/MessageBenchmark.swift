import ArgumentParser
import Foundation
import NIOCore

/// One-to-one chat between pairs of clients, at a fixed offered rate or at
/// saturation (a fixed number of messages in flight per pair). Reports delivered
/// messages/s, end-to-end latency from the send time in each body, and whether
/// anything was lost or reordered.
struct MessageBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "messages", abstract: "Pairs of clients chatting: delivered messages/s, latency, loss and order.")

    @OptionGroup var options: LoadOptions
    @Option(help: "Sender/receiver pairs (accounts <user-prefix>0 … <user-prefix>(2·pairs−1)).") var pairs = 50
    @Option(help: "Prefix of the account names.") var userPrefix = "u"
    @Option(help: "Offered messages/s over all pairs; 0 = saturation (see --in-flight).") var rate = 0
    @Option(help: "Messages in flight per pair at saturation.") var inFlight = 10
    @Option(help: "Seconds of traffic before measuring starts.") var warmup = 2.0
    @Option(help: "Seconds measured.") var duration = 10.0
    @Option(help: "Longest wait in seconds for the last messages after sending stops (ends sooner after 3 s without progress).")
    var drain = 60.0
    @Option(help: "Bytes in each body.") var bodyBytes = 100

    func validate() throws {
        guard pairs > 0, rate >= 0, inFlight > 0, duration > 0, duration <= 600, warmup >= 0, drain <= 300 else {
            throw ValidationError("pairs, in-flight and duration (≤ 600 s) must be positive")
        }
    }

    func run() async throws {
        let fleet = ClientFleet(options: options)
        let loops = Array(fleet.group.makeIterator())
        let accounts = (0..<(2 * pairs)).map { options.account("\(userPrefix)\($0)", resource: "msg") }
        // Account 2i sends to 2i+1; both sit on loop i, like their pair object.
        let login = await fleet.connect(accounts) { loops[($0 / 2) % loops.count] }
        guard login.failures.isEmpty else {
            ClientFleet.printFailures(login.failures)
            await fleet.closeAll(login.connections)
            throw ExitCode.failure
        }
        let now = monotonicNanoseconds()
        let from = now + UInt64(warmup * 1e9)
        let window = MessagePair.Window(from: from, until: from + UInt64(duration * 1e9))
        var pairsByLoop: [[MessagePair]] = Array(repeating: [], count: loops.count)
        for index in 0..<pairs {
            let pair = try await loops[index % loops.count].submit {
                MessagePair(
                    sender: login.connections[2 * index]!, receiver: login.connections[2 * index + 1]!,
                    window: window, inFlight: rate == 0 ? inFlight : 0, bodyBytes: bodyBytes)
            }.get()
            pairsByLoop[index % loops.count].append(pair)
        }

        var usage = UsageSample(pids: options.pids)
        let tickers = startSending(pairsByLoop, loops: loops, window: window)
        try await Task.sleep(for: .seconds(warmup + duration))
        for ticker in tickers { ticker?.cancel() }
        usage.finish()
        let drainStart = ContinuousClock.now
        let totals = try await drainAndCount(pairsByLoop, loops: loops)
        let drainSeconds = (ContinuousClock.now - drainStart).seconds
        await fleet.closeAll(login.connections)
        await fleet.shutdown()

        let delivered = Double(totals.measured) / duration
        let latency = totals.latency.json
        print(String(
            format: "messages %@ (%@): %.0f delivered/s; p50 %.2f ms, p99 %.2f ms; sent %d, received %d, lost %d, out of order %d, errors %d; generator CPU %.0f%%",
            options.label, rate == 0 ? "saturation, \(inFlight) in flight × \(pairs) pairs" : "offered \(rate)/s",
            delivered, latency["p50_ms"] as? Double ?? 0, latency["p99_ms"] as? Double ?? 0, totals.sent,
            totals.received, totals.sent - totals.received, totals.outOfOrder, totals.errors, usage.generatorCPUPercent))
        try options.report(
            "messages",
            [
                "mode": rate == 0 ? "saturation" : "rate", "offered_per_second": rate, "pairs": pairs,
                "in_flight": rate == 0 ? inFlight : 0, "seconds": duration, "body_bytes": bodyBytes,
                "delivered_per_second": delivered, "sent": totals.sent, "received": totals.received,
                "lost": totals.sent - totals.received, "drain_seconds": drainSeconds, "out_of_order": totals.outOfOrder, "errors": totals.errors,
                "latency": latency,
            ], usage: usage)
    }

    /// Saturation: fill every pair's window. Fixed rate: a ticker per loop sends
    /// what is owed every 2 ms, round-robin over that loop's pairs.
    private func startSending(_ pairsByLoop: [[MessagePair]], loops: [any EventLoop], window: MessagePair.Window)
        -> [RepeatedTask?]
    {
        zip(loops, pairsByLoop).map { loop, pairs -> RepeatedTask? in
            guard !pairs.isEmpty else { return nil }
            if rate == 0 {
                loop.execute { for pair in pairs { pair.start() } }
                return nil
            }
            let perLoop = Double(rate) * Double(pairs.count) / Double(self.pairs)
            let began = monotonicNanoseconds()
            let state = TickerState()
            return loop.scheduleRepeatedTask(initialDelay: .zero, delay: .milliseconds(2)) { _ in
                let now = monotonicNanoseconds()
                let owed = Int(perLoop * Double(now - began) / 1e9) - state.sent
                guard owed > 0 else { return }
                var touched = Set<ObjectIdentifier>()
                for _ in 0..<owed {
                    let pair = pairs[state.next % pairs.count]
                    state.next += 1
                    if pair.sendOne(now: now) { touched.insert(ObjectIdentifier(pair)) }
                    state.sent += 1
                }
                for pair in pairs where touched.contains(ObjectIdentifier(pair)) { pair.sender.flush() }
            }
        }
    }

    private final class TickerState: @unchecked Sendable {
        var sent = 0
        var next = 0
    }

    struct Totals {
        var sent = 0, received = 0, outOfOrder = 0, errors = 0, measured = 0
        var latency = LatencyRecorder()

        mutating func add(_ other: Totals) {
            sent += other.sent
            received += other.received
            outOfOrder += other.outOfOrder
            errors += other.errors
            measured += other.measured
            latency.merge(other.latency)
        }
    }

    /// Waits (bounded by --drain) until every sent message has arrived, then sums the pairs.
    private func drainAndCount(_ pairsByLoop: [[MessagePair]], loops: [any EventLoop]) async throws -> Totals {
        let deadline = ContinuousClock.now + .seconds(drain)
        var lastReceived = -1, lastProgress = ContinuousClock.now
        while true {
            var totals = Totals()
            for (loop, pairs) in zip(loops, pairsByLoop) {
                let part = try await loop.submit { () -> Totals in
                    var part = Totals()
                    for pair in pairs {
                        part.add(Totals(
                            sent: pair.sent, received: pair.received, outOfOrder: pair.outOfOrder, errors: pair.errors,
                            measured: pair.measured, latency: pair.latency))
                    }
                    return part
                }.get()
                totals.add(part)
            }
            // Stop when all arrived, at the deadline, or after 3 s without progress.
            let now = ContinuousClock.now
            if totals.received != lastReceived { (lastReceived, lastProgress) = (totals.received, now) }
            if totals.received >= totals.sent || now >= deadline || now - lastProgress > .seconds(3) { return totals }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
