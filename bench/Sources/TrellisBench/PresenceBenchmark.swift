import ArgumentParser
import Foundation
import NIOCore
import XMPPCore

/// Presence fan-out: users whose rosters hold `contacts` mutual (`both`)
/// subscriptions each broadcast status updates at a fixed total rate; every
/// contact should receive each one (RFC 6121 §4.4.2). Reports deliveries/s and
/// the latency from the send time in `<status/>`.
struct PresenceBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "presence", abstract: "Presence fan-out over pre-provisioned rosters: deliveries/s, latency.")

    @OptionGroup var options: LoadOptions
    @Option(help: "Users online (accounts <user-prefix>0…), provisioned by `bench/run` with ring rosters.")
    var users = 100
    @Option(help: "Contacts in each roster (all online, subscription both).") var contacts = 50
    @Option(help: "Prefix of the account names.") var userPrefix = "p"
    @Option(help: "Broadcasts each user sends.") var updates = 20
    @Option(help: "Broadcasts per second over all users.") var rate = 200
    @Option(help: "Seconds to wait for the last deliveries after sending stops.") var drain = 20.0
    @Option(help: "Seconds to let login presence settle before measuring.") var settle = 2.0

    func validate() throws {
        guard users > contacts, contacts > 0, updates > 0, rate > 0, drain <= 120 else {
            throw ValidationError("need users > contacts > 0 and positive updates and rate")
        }
        guard Double(users * updates) / Double(rate) <= 600 else { throw ValidationError("more than 600 s of sending") }
    }

    /// What one event loop's clients received; touched by that loop only.
    final class Tally: @unchecked Sendable {
        var delivered = 0
        var lastDelivery: UInt64 = 0
        var latency = LatencyRecorder()
        var sent = 0
        var next = 0
    }

    func run() async throws {
        let fleet = ClientFleet(options: options)
        let loops = Array(fleet.group.makeIterator())
        let accounts = (0..<users).map { options.account("\(userPrefix)\($0)", resource: "pres") }
        let login = await fleet.connect(accounts)
        guard login.failures.isEmpty else {
            ClientFleet.printFailures(login.failures)
            await fleet.closeAll(login.connections)
            throw ExitCode.failure
        }
        try await Task.sleep(for: .seconds(settle))
        let connections = login.connections.map { $0! }
        let tallies = loops.map { _ in Tally() }
        for (index, connection) in connections.enumerated() {
            let tally = tallies[index % loops.count]
            let ownBare = connection.account.bare
            try await connection.eventLoop.submit {
                connection.onStanza = { stanza in
                    guard stanza.name == "presence", stanza[attribute: "type"] == nil,
                        let from = stanza[attribute: "from"], !from.hasPrefix(ownBare + "/"),
                        let status = stanza.firstChild(named: "status")?.text,
                        let space = status.firstIndex(of: " "), let sentAt = UInt64(status[status.index(after: space)...])
                    else { return }
                    let now = monotonicNanoseconds()
                    tally.delivered += 1
                    tally.lastDelivery = now
                    tally.latency.record(sentAt: sentAt, receivedAt: now)
                }
            }.get()
        }

        var usage = UsageSample(pids: options.pids)
        let began = monotonicNanoseconds()
        let tickers = loops.enumerated().map { loopIndex, loop in
            let own = connections.enumerated().filter { $0.offset % loops.count == loopIndex }.map(\.element)
            let tally = tallies[loopIndex]
            let perLoop = Double(rate) * Double(own.count) / Double(users)
            let total = own.count * updates
            return loop.scheduleRepeatedTask(initialDelay: .zero, delay: .milliseconds(2)) { task in
                let now = monotonicNanoseconds()
                let owed = min(total, Int(perLoop * Double(now - began) / 1e9)) - tally.sent
                if owed <= 0 {
                    if tally.sent >= total { task.cancel() }
                    return
                }
                for _ in 0..<owed {
                    let connection = own[tally.next % own.count]
                    connection.send("<presence><status>\(tally.sent) \(now)</status></presence>")
                    tally.next += 1
                    tally.sent += 1
                }
            }
        }
        let sendingSeconds = Double(users * updates) / Double(rate)
        let expected = users * updates * contacts
        let deadline = ContinuousClock.now + .seconds(sendingSeconds + drain)
        var delivered = 0, lastDelivery: UInt64 = began, sent = 0
        var latency = LatencyRecorder()
        while true {
            try await Task.sleep(for: .milliseconds(200))
            delivered = 0
            sent = 0
            for (loop, tally) in zip(loops, tallies) {
                let (count, last, out) = try await loop.submit { (tally.delivered, tally.lastDelivery, tally.sent) }.get()
                delivered += count
                sent += out
                lastDelivery = max(lastDelivery, last)
            }
            if delivered >= expected || ContinuousClock.now >= deadline { break }
        }
        for ticker in tickers { ticker.cancel() }
        usage.finish()
        for (loop, tally) in zip(loops, tallies) {
            latency.merge(try await loop.submit { tally.latency }.get())
        }
        await fleet.closeAll(login.connections)
        await fleet.shutdown()

        let seconds = Double(lastDelivery - began) / 1e9
        let rateDelivered = Double(delivered) / max(seconds, 1e-9)
        let summary = latency.json
        print(String(
            format: "presence %@: %d broadcasts × %d contacts: %d/%d delivered in %.2f s = %.0f deliveries/s (offered %d/s); p50 %.2f ms, p99 %.2f ms; generator CPU %.0f%%",
            options.label, sent, contacts, delivered, expected, seconds, rateDelivered, rate * contacts,
            summary["p50_ms"] as? Double ?? 0, summary["p99_ms"] as? Double ?? 0, usage.generatorCPUPercent))
        try options.report(
            "presence",
            [
                "users": users, "contacts": contacts, "broadcasts": sent, "expected": expected, "delivered": delivered,
                "missing": expected - delivered, "seconds": seconds, "deliveries_per_second": rateDelivered,
                "offered_deliveries_per_second": rate * contacts, "latency": summary,
            ], usage: usage)
    }
}
