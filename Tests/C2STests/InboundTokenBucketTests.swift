import Testing
@testable import C2S

private let t0 = ContinuousClock.now
private func at(_ seconds: Double) -> ContinuousClock.Instant { t0 + .milliseconds(Int64(seconds * 1000)) }

@Suite("Inbound token bucket (flood control)")
struct InboundTokenBucketTests {
    func bucket() -> InboundTokenBucket {
        InboundTokenBucket(bytesPerSecond: 1000, burst: 4000, floodLimit: .seconds(10), now: t0)
    }

    @Test func aBurstPassesAtOnce() {
        var bucket = bucket()
        #expect(bucket.received(4000, now: t0) == .accept)
    }

    @Test func beyondTheBurstTheReaderPausesForTheDeficit() {
        var bucket = bucket()
        #expect(bucket.received(4500, now: t0) == .pause(.milliseconds(500)))
    }

    @Test func tokensComeBackAtTheRateUpToTheBurst() {
        var bucket = bucket()
        _ = bucket.received(4000, now: t0)
        #expect(bucket.received(1000, now: at(1)) == .accept)
        // A long silence refills to the burst, not beyond it.
        #expect(bucket.received(4000, now: at(100)) == .accept)
        #expect(bucket.received(1, now: at(100)) == .pause(.milliseconds(1)))
    }

    @Test func aSustainedFloodIsDisconnected() {
        var bucket = bucket()
        var time = 0.0
        var action = bucket.received(8000, now: at(time))
        while action != .disconnect, time < 60 {
            time += 1
            action = bucket.received(3000, now: at(time))  // three times the rate
        }
        #expect(action == .disconnect)
        #expect(time >= 10 && time <= 11)
    }

    @Test func aClientThatSlowsDownIsForgiven() {
        var bucket = bucket()
        _ = bucket.received(6000, now: t0)
        for second in 1...30 {
            // At the rate exactly after the first burst: held back at first, then fine.
            let action = bucket.received(1000, now: at(Double(second) * 1.0 + 2))
            #expect(action != .disconnect)
        }
    }
}
