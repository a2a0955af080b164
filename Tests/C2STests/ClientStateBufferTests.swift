import Cluster
import Synchronization
import Testing
import XMPPCore
@testable import Gateway

/// XEP-0352 on the gateway: what waits while the client is inactive.
@Suite("Client state indication (XEP-0352)")
struct ClientStateBufferTests {
    let onlineA = "<presence from='a@example.com/1'/>"
    let awayA = "<presence from='a@example.com/1'><show>away</show></presence>"
    let onlineB = "<presence from='b@example.com/1'/>"
    let goneB = "<presence from='b@example.com/1' type='unavailable'/>"
    let subscribe = "<presence from='c@example.com' type='subscribe'/>"
    let message = "<message from='a@example.com/1' type='chat'><body>hi</body></message>"

    @Test func anActiveSessionGetsEverythingAtOnce() {
        var buffer = ClientStateBuffer()
        #expect(buffer.pass([onlineA, message]) == [onlineA, message])
    }

    @Test func inactiveHoldsTheLatestPresencePerContactAndLetsTheRestThrough() {
        var buffer = ClientStateBuffer()
        buffer.becameInactive()
        #expect(buffer.pass([onlineA, onlineB, message]) == [message])
        #expect(buffer.pass([subscribe, awayA, goneB]) == [subscribe])
        #expect(buffer.heldCount == 2)
        // In the order the contacts first appeared, each one's latest only.
        #expect(buffer.becameActive() == [awayA, goneB])
        #expect(buffer.pass([onlineA]) == [onlineA])
    }

    @Test func heldPresencesStayBounded() {
        var buffer = ClientStateBuffer(capacity: 2)
        buffer.becameInactive()
        #expect(buffer.pass([onlineA, onlineB]) == [])
        let third = "<presence from='d@example.com/1'/>"
        #expect(buffer.pass([third, message]) == [onlineA, onlineB, third, message])
        #expect(buffer.heldCount == 0)
    }

    @Test func theEndpointWritesHeldPresencesOnActive() async {
        let transport = RecordingTransport()
        let jid = try! JID("me@example.com/r")
        let endpoint = SessionEndpoint(
            sessionID: "s", transport: transport,
            registration: SessionRegistration(jid: jid, record: SessionRecord(node: "c2s-1", session: "s")))
        await endpoint.clientStateChanged(active: false)
        #expect(await endpoint.deliver(wires: [onlineA, message]))
        #expect(transport.written == [message])
        await endpoint.clientStateChanged(active: true)
        #expect(transport.written == [message, onlineA])
        #expect(await endpoint.deliver(wires: [onlineB]))
        #expect(transport.written == [message, onlineA, onlineB])
    }
}

final class RecordingTransport: SessionTransport {
    private let writes = Mutex<[String]>([])
    var written: [String] { writes.withLock { $0 } }

    func write(_ text: String) async -> Bool {
        writes.withLock { $0.append(text) }
        return true
    }

    func writeThenStartTLS(_ text: String) async -> Bool { false }
    func close() async {}
}
