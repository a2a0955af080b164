import NIOCore
import XMPPCore

/// A sender and its receiver on one event loop, so all of this state is touched
/// by that loop only. Each message carries its sequence number and send time in
/// the body; the receiver checks the sequence (nothing lost, nothing reordered)
/// and records the latency.
final class MessagePair: @unchecked Sendable {
    struct Window {
        /// Messages sent at or after this instant (monotonic ns) are measured.
        var from: UInt64
        /// No message is sent at or after this instant.
        var until: UInt64
    }

    let sender: LoadConnection
    let receiver: LoadConnection
    private let window: Window
    /// Messages in flight in saturation mode; 0 in fixed-rate mode.
    private let inFlight: Int
    private let padding: String
    private(set) var sent = 0
    private(set) var received = 0
    private(set) var outOfOrder = 0
    private(set) var errors = 0
    /// Received within the window (whenever sent).
    private(set) var measured = 0
    private(set) var latency = LatencyRecorder()
    private var expected = 0
    private var stopped = false

    init(sender: LoadConnection, receiver: LoadConnection, window: Window, inFlight: Int, bodyBytes: Int) {
        self.sender = sender
        self.receiver = receiver
        self.window = window
        self.inFlight = inFlight
        self.padding = String(repeating: "x", count: max(0, bodyBytes - 24))
        receiver.onStanza = { [unowned self] in self.received($0) }
        sender.onStanza = { [unowned self] stanza in
            if stanza.name == "message", stanza[attribute: "type"] == "error" { self.errors += 1 }
        }
    }

    /// Saturation mode: fills the window; each receipt sends the next message.
    func start() {
        for _ in 0..<inFlight { sendOne() }
        sender.flush()
    }

    /// Queues one message (the caller flushes). False once the window has closed.
    @discardableResult
    func sendOne(now: UInt64 = monotonicNanoseconds()) -> Bool {
        guard !stopped, now < window.until else {
            stopped = true
            return false
        }
        sender.write(
            "<message to='\(receiver.fullJID)' type='chat' id='m\(sent)'><body>\(sent) \(now) \(padding)</body></message>")
        sent += 1
        return true
    }

    private func received(_ stanza: XMLElement) {
        guard stanza.name == "message", let body = stanza.firstChild(named: "body")?.text else { return }
        let now = monotonicNanoseconds()
        let fields = body.split(separator: " ", maxSplits: 2)
        guard fields.count >= 2, let sequence = Int(fields[0]), let sentAt = UInt64(fields[1]) else { return }
        if sequence != expected { outOfOrder += 1 }
        expected = sequence + 1
        received += 1
        if sentAt >= window.from { latency.record(sentAt: sentAt, receivedAt: now) }
        if now >= window.from, now < window.until { measured += 1 }
        if inFlight > 0, sendOne(now: now) { sender.flush() }
    }
}
