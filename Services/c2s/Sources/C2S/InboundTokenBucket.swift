/// Flood control for one client connection, as Vines had it: a token bucket on
/// inbound bytes. Up to `burst` bytes pass at once; beyond that a connection
/// gets `rate` bytes per second, and the reader pauses until it is within its
/// allowance again (TCP backpressure slows the sender). A connection that stays
/// held back for `floodLimit` without a break is a flood and is disconnected.
///
/// Pure: time arrives as a value.
struct InboundTokenBucket: Sendable {
    typealias Instant = ContinuousClock.Instant

    enum Action: Sendable, Hashable {
        /// Keep reading.
        case accept
        /// Stop reading for this long.
        case pause(Duration)
        /// Held back for too long: end the stream with `<policy-violation/>`.
        case disconnect
    }

    let rate: Double
    let burst: Double
    let floodLimit: Duration
    private(set) var tokens: Double
    private var refilledAt: Instant
    private var throttledSince: Instant?

    init(bytesPerSecond: Int, burst: Int, floodLimit: Duration, now: Instant) {
        self.rate = Double(bytesPerSecond)
        self.burst = Double(burst)
        self.floodLimit = floodLimit
        self.tokens = Double(burst)
        self.refilledAt = now
    }

    /// `bytes` were read at `now`.
    mutating func received(_ bytes: Int, now: Instant) -> Action {
        let elapsed = now - refilledAt
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        tokens = min(burst, tokens + seconds * rate)
        refilledAt = now
        tokens -= Double(bytes)
        guard tokens < 0 else {
            throttledSince = nil
            return .accept
        }
        let since = throttledSince ?? now
        throttledSince = since
        if now - since >= floodLimit { return .disconnect }
        return .pause(.milliseconds(Int64((-tokens / rate * 1000).rounded(.up))))
    }
}
