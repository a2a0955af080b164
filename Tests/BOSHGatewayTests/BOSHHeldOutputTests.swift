import NIOCore
import NIOEmbedded
import Testing
import XMPPCore
@testable import BOSHGateway

/// Issue #16 over BOSH: output waiting for a client that does not come back
/// for it is bounded; past the bound the session ends with `policy-violation`
/// and the write is refused (its stanzas go back to the routers).
@Suite("BOSH held output bound")
struct BOSHHeldOutputTests {
    @Test func aClientThatStopsPollingCannotGrowItsHeldOutputPastTheBound() throws {
        let loop = EmbeddedEventLoop()
        let parameters = BOSHSessionParameters.negotiate(
            wait: "30", hold: "1", version: "1.11", ack: nil,
            limits: .init(maxWait: 60, maxHold: 2, polling: 2, inactivity: 60, maxPause: 120))!
        let info = BOSHSessionInfo(
            sid: "s", streamID: "x", domain: "example.com", language: "en", parameters: parameters, creationRID: 1,
            isLegacy: false, contentType: BOSHSessionInfo.defaultContentType)
        let creation = loop.makePromise(of: HTTPResponse.self)
        let session = BOSHSession(info: info, creation: creation, now: .now, maxHeldBytes: 4096)
        // The creation request takes the stream header and features.
        #expect(session.write("<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='x' from='example.com' version='1.0'><stream:features/>"))
        let stanza = "<message xmlns='jabber:client' to='a@example.com/r'><body>\(String(repeating: "x", count: 900))</body></message>"
        var accepted = 0
        while session.write(stanza) {
            accepted += 1
            try #require(accepted < 100, "the bound never applied")
        }
        #expect(accepted * stanza.utf8.count <= 4096)
        #expect(session.write(stanza) == false)
        _ = try? creation.futureResult.wait()
    }
}
