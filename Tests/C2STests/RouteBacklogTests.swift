import Gateway
import Testing

@Suite("Route backlog hysteresis")
struct RouteBacklogTests {
    @Test func aPartitionIsBehindFromHighUntilBackToLow() {
        var backlog = RouteBacklog(high: 100, low: 50)
        backlog.update(lengths: [99, 100, 0])
        #expect(backlog.behind == [1])
        backlog.update(lengths: [120, 70, 0])
        #expect(backlog.behind == [0, 1])
        backlog.update(lengths: [51, 50, 0])
        #expect(backlog.behind == [0])
        backlog.forget()
        #expect(backlog.behind.isEmpty)
    }

    @Test func zeroTurnsItOff() {
        var backlog = RouteBacklog(high: 0, low: 0)
        #expect(!backlog.isEnabled)
        backlog.update(lengths: [1_000_000])
        #expect(backlog.behind.isEmpty)
    }
}
