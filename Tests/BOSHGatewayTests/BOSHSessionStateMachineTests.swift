import Testing
import XMPPCore
@testable import BOSHGateway

typealias Machine = BOSHSessionStateMachine<Int>

private let t0 = ContinuousClock.now
private func at(_ seconds: Double) -> ContinuousClock.Instant { t0 + .milliseconds(Int(seconds * 1000)) }
private func stanza(_ id: String) -> XMLElement { XMLElement("message", namespace: "jabber:client", attributes: ["id": id]) }

private func parameters(wait: Int = 30, hold: Int = 1, inactivity: Int = 60) -> BOSHSessionParameters {
    BOSHSessionParameters.negotiate(
        wait: String(wait), hold: String(hold), version: "1.11", ack: nil,
        limits: .init(maxWait: 60, maxHold: 2, polling: 2, inactivity: inactivity, maxPause: 120))!
}

/// A session created with rid 100 on HTTP request 0, whose features were sent.
private func established(_ parameters: BOSHSessionParameters = parameters()) -> Machine {
    var machine = Machine(parameters: parameters, creationRID: 100, creationRequest: 0, now: at(0))
    _ = machine.send([stanza("features")], now: at(0))
    return machine
}

@Suite("BOSH session parameters")
struct BOSHSessionParametersTests {
    @Test func clientValuesAreCappedNeverTrusted() {
        let granted = BOSHSessionParameters.negotiate(wait: "3600", hold: "5", version: "1.6", ack: "1", limits: .init(maxWait: 60, maxHold: 1))!
        #expect(granted.wait == 60)
        #expect(granted.hold == 1)
        #expect(granted.requests == 2)
        #expect(granted.version == "1.6")
        #expect(granted.acknowledgements)
    }

    @Test func versionsCompareNumerically() {
        #expect(BOSHSessionParameters.lowerVersion("1.10", "1.9") == "1.9")
        #expect(BOSHSessionParameters.lowerVersion("1.11", "2.0") == "1.11")
    }

    static let badAttributes: [(String?, String?)] = [(nil, "1"), ("x", "1"), ("60", nil), ("-1", "1")]

    @Test(arguments: badAttributes)
    func missingOrBadAttributesAreRefused(_ wait: String?, _ hold: String?) {
        #expect(BOSHSessionParameters.negotiate(wait: wait, hold: hold, version: nil, ack: nil, limits: .init()) == nil)
    }
}

@Suite("BOSH session state machine")
struct BOSHSessionStateMachineTests {
    @Test func creationRequestIsAnsweredWithTheFirstPayloads() {
        var machine = Machine(parameters: parameters(), creationRID: 100, creationRequest: 7, now: at(0))
        #expect(machine.send([stanza("features")], now: at(0)) == [.respond(7, .init(rid: 100, payloads: [stanza("features")]))])
    }

    @Test func heldRequestGetsStanzasWhenTheyArrive() {
        var machine = established()
        #expect(machine.received(.init(rid: 101), id: 1, now: at(1)).isEmpty)
        #expect(machine.send([stanza("a"), stanza("b")], now: at(2)) == [.respond(1, .init(rid: 101, payloads: [stanza("a"), stanza("b")]))])
    }

    @Test func stanzasWaitForTheNextRequest() {
        var machine = established()
        #expect(machine.send([stanza("a")], now: at(1)).isEmpty)
        #expect(machine.received(.init(rid: 101), id: 1, now: at(2)) == [.respond(1, .init(rid: 101, payloads: [stanza("a")]))])
    }

    @Test func newRequestReleasesTheOldestBeyondHold() {
        var machine = established()
        _ = machine.received(.init(rid: 101), id: 1, now: at(1))
        let actions = machine.received(.init(rid: 102, payloads: [stanza("out")]), id: 2, now: at(2))
        #expect(actions == [.process([stanza("out")]), .respond(1, .init(rid: 101))])
    }

    @Test func emptyAnswerAfterWait() {
        var machine = established(parameters(wait: 30))
        _ = machine.received(.init(rid: 101), id: 1, now: at(1))
        #expect(machine.nextDeadline == at(31))
        #expect(machine.tick(now: at(30.9)).isEmpty)
        #expect(machine.tick(now: at(31)) == [.respond(1, .init(rid: 101))])
    }

    @Test func outOfOrderRequestsAreProcessedInRIDOrder() {
        var machine = established(parameters(hold: 2))
        #expect(machine.received(.init(rid: 102, payloads: [stanza("second")]), id: 2, now: at(1)).isEmpty)
        let actions = machine.received(.init(rid: 101, payloads: [stanza("first")]), id: 1, now: at(1))
        #expect(actions == [.process([stanza("first")]), .process([stanza("second")])])
        #expect(machine.processedRID == 102)
    }

    @Test func ridBeyondTheWindowEndsTheSession() {
        var machine = established()
        let actions = machine.received(.init(rid: 103), id: 3, now: at(1))
        #expect(actions.first == .respond(3, .init(rid: 103, terminate: .itemNotFound)))
        #expect(actions.last == .ended(.itemNotFound))
        #expect(machine.isEnded)
        // A late request for an ended session is told so at once.
        #expect(machine.received(.init(rid: 101), id: 4, now: at(2)) == [.respond(4, .init(rid: 101, terminate: .itemNotFound))])
    }

    @Test func repeatedRIDGetsTheCachedResponse() {
        var machine = established()
        _ = machine.received(.init(rid: 101), id: 1, now: at(1))
        _ = machine.send([stanza("lost")], now: at(2))
        _ = machine.received(.init(rid: 102), id: 2, now: at(3))
        // The response to 101 was lost on the way; the client sends 101 again.
        #expect(machine.received(.init(rid: 101), id: 9, now: at(4)) == [.respond(9, .init(rid: 101, payloads: [stanza("lost")]))])
    }

    @Test func resentHeldRequestTakesOverTheConnection() {
        var machine = established()
        _ = machine.received(.init(rid: 101), id: 1, now: at(1))
        #expect(machine.received(.init(rid: 101), id: 5, now: at(2)) == [.respond(1, .init(rid: 101))])
        #expect(machine.send([stanza("x")], now: at(3)) == [.respond(5, .init(rid: 101, payloads: [stanza("x")]))])
    }

    @Test func tooManyOpenRequestsIsAPolicyViolation() {
        var machine = established(parameters(hold: 1))
        // requests = 2: rid 101 held, 103 early (gap at 102), then 102 would make three open.
        _ = machine.received(.init(rid: 101), id: 1, now: at(1))
        _ = machine.received(.init(rid: 103), id: 3, now: at(1))
        let actions = machine.received(.init(rid: 102), id: 2, now: at(1))
        #expect(actions.first == .respond(2, .init(rid: 102, terminate: .policyViolation)))
        #expect(actions.contains(.ended(.policyViolation)))
    }

    @Test func pollingFasterThanAllowedIsAPolicyViolation() {
        var machine = established(parameters(hold: 0))
        #expect(machine.received(.init(rid: 101), id: 1, now: at(2)) == [.respond(1, .init(rid: 101))])
        let actions = machine.received(.init(rid: 102), id: 2, now: at(2.5))
        #expect(actions.last == .ended(.policyViolation))
    }

    @Test func clientTerminateProcessesPayloadsThenEnds() {
        var machine = established()
        _ = machine.received(.init(rid: 101), id: 1, now: at(1))
        let presence = XMLElement("presence", namespace: "jabber:client", attributes: ["type": "unavailable"])
        let actions = machine.received(.init(rid: 102, payloads: [presence], terminate: true), id: 2, now: at(2))
        #expect(actions == [
            .process([presence]), .respond(1, .init(rid: 101)),
            .respond(2, .init(rid: 102, terminatedNormally: true)), .ended(nil),
        ])
    }

    @Test func inactivityEndsAnIdleSession() {
        var machine = established(parameters(inactivity: 60))
        _ = machine.received(.init(rid: 101), id: 1, now: at(1))
        _ = machine.send([stanza("a")], now: at(2))   // answered: nothing open from t=2
        #expect(machine.nextDeadline == at(62))
        #expect(machine.tick(now: at(61)).isEmpty)
        #expect(machine.tick(now: at(62)) == [.ended(nil)])
    }

    @Test func pauseAnswersAllAndStretchesInactivityUpToMaxPause() {
        var machine = established(parameters(hold: 1, inactivity: 60))
        let actions = machine.received(.init(rid: 101, pause: 500), id: 1, now: at(1))
        #expect(actions == [.respond(1, .init(rid: 101))])
        #expect(machine.nextDeadline == at(121))   // capped at maxpause 120
        #expect(machine.tick(now: at(120)).isEmpty)
        // Coming back in time resumes the session with normal inactivity.
        _ = machine.received(.init(rid: 102), id: 2, now: at(120))
        #expect(!machine.isEnded)
    }

    @Test func restartIsPassedOnInOrder() {
        var machine = established()
        #expect(machine.received(.init(rid: 101, restart: true), id: 1, now: at(1)) == [.restartStream])
    }

    @Test func serverTerminateAnswersHeldRequestsWithTheCondition() {
        var machine = established()
        _ = machine.received(.init(rid: 101), id: 1, now: at(1))
        #expect(machine.terminate(.systemShutdown, now: at(2)) == [
            .respond(1, .init(rid: 101, terminate: .systemShutdown)), .ended(.systemShutdown),
        ])
    }
}
