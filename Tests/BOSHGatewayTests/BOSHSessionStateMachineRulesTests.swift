import Testing
import XMPPCore
@testable import BOSHGateway

private let t0 = ContinuousClock.now
private func at(_ seconds: Double) -> ContinuousClock.Instant { t0 + .milliseconds(Int(seconds * 1000)) }
private func stanza(_ id: String) -> XMLElement { XMLElement("message", namespace: "jabber:client", attributes: ["id": id]) }

private func machine(hold: Int = 1, ack: Bool = false) -> BOSHSessionStateMachine<Int> {
    let parameters = BOSHSessionParameters.negotiate(
        wait: "30", hold: String(hold), version: "1.11", ack: ack ? "1" : nil,
        limits: .init(maxWait: 60, maxHold: 2, polling: 2, inactivity: 60, maxPause: 120))!
    var machine = BOSHSessionStateMachine<Int>(parameters: parameters, creationRID: 100, creationRequest: 0, now: at(0))
    _ = machine.send([stanza("features")], now: at(0))
    return machine
}

@Suite("BOSH session state machine: XEP-0124 rules added with the HTTP side")
struct BOSHSessionStateMachineRulesTests {
    @Test func otherOpenRequestsAreToldOtherRequest() {
        var machine = machine(hold: 1)
        _ = machine.received(.init(rid: 101), id: 1, now: at(1))
        let actions = machine.received(.init(rid: 110), id: 2, now: at(1))
        #expect(actions == [
            .respond(2, .init(rid: 110, terminate: .itemNotFound)),
            .respond(1, .init(rid: 101, terminate: .otherRequest)),
            .ended(.itemNotFound),
        ])
    }

    @Test func aPauseOrTerminateMayExceedRequestsByOne() {
        var machine = machine(hold: 1)
        _ = machine.received(.init(rid: 101), id: 1, now: at(1))
        _ = machine.received(.init(rid: 103), id: 3, now: at(1))  // early: two open = requests
        let actions = machine.received(.init(rid: 102, terminate: true), id: 2, now: at(1))
        #expect(!actions.contains(.ended(.policyViolation)))
        #expect(actions.last == .ended(nil))
    }

    @Test func aPauseResponseCarriesNoPayloads() {
        var machine = machine(hold: 1)
        _ = machine.send([stanza("queued")], now: at(1))  // nothing held: waits in the outbox
        let actions = machine.received(.init(rid: 101, pause: 60), id: 1, now: at(2))
        #expect(actions == [.respond(1, .init(rid: 101))])
        // The queued stanza goes out on the next request.
        #expect(machine.received(.init(rid: 102), id: 2, now: at(3)) == [.respond(2, .init(rid: 102, payloads: [stanza("queued")]))])
    }

    @Test func aServerEndWithNothingHeldAnswersTheNextRequestWithItsCondition() {
        var machine = machine()
        let error = XMLElement(name: "error", namespace: BOSHNamespace.streams)
        #expect(machine.terminate(.remoteStreamError, payloads: [error], now: at(1)) == [.ended(.remoteStreamError)])
        #expect(machine.received(.init(rid: 101), id: 1, now: at(2))
            == [.respond(1, .init(rid: 101, payloads: [error], terminate: .remoteStreamError))])
        // Only once; then the session is simply gone.
        #expect(machine.received(.init(rid: 102), id: 2, now: at(3)) == [.respond(2, .init(rid: 102, terminate: .itemNotFound))])
    }

    @Test func serverTerminateAlsoAnswersEarlyRequests() {
        var machine = machine(hold: 2)
        _ = machine.received(.init(rid: 102), id: 2, now: at(1))  // waiting for 101
        #expect(machine.terminate(.systemShutdown, now: at(2)) == [
            .respond(2, .init(rid: 102, terminate: .systemShutdown)), .ended(.systemShutdown),
        ])
    }

    @Test func aLaggingClientAckGetsAReportAtOnce() {
        var machine = machine(hold: 1, ack: true)
        _ = machine.received(.init(rid: 101), id: 1, now: at(1))
        _ = machine.send([stanza("lost")], now: at(2))  // answers 101 at t=2
        // The client acknowledges only 100: the answer to 101 went missing.
        let actions = machine.received(.init(rid: 102, ack: 100), id: 2, now: at(2.5))
        #expect(actions == [.respond(2, .init(rid: 102, report: 101, reportTime: 500))])
    }

    @Test func acknowledgementsAreIgnoredWhenNotNegotiated() {
        var machine = machine(hold: 1, ack: false)
        _ = machine.received(.init(rid: 101), id: 1, now: at(1))
        _ = machine.send([stanza("x")], now: at(2))
        #expect(machine.received(.init(rid: 102, ack: 100), id: 2, now: at(2.5)).isEmpty)
    }
}
