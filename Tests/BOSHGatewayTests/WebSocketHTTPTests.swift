import NIOCore
import Testing
@testable import BOSHGateway

private let framing = "urn:ietf:params:xml:ns:xmpp-framing"
private let streamErrors = "urn:ietf:params:xml:ns:xmpp-streams"

@Suite("XMPP over WebSocket through the gateway's HTTP pipeline")
struct WebSocketHTTPTests {
    let sessions = BOSHTest.sessions()

    func client(maxStanzaSize: Int = 1024) async throws -> WebSocketTestClient {
        let webSockets = BOSHTest.webSockets(for: sessions, maxStanzaSize: maxStanzaSize)
        let http = try await HTTPTestChannel(
            settings: BOSHTest.settings(maxStanzaSize: maxStanzaSize), sessions: sessions, webSockets: webSockets)
        return WebSocketTestClient(http)
    }

    /// Upgrades and opens the stream; returns the client after `<open/>` and the features.
    func opened() async throws -> WebSocketTestClient {
        let ws = try await client()
        _ = try await ws.upgrade()
        try await ws.send("<open xmlns='\(framing)' to='example.com' version='1.0'/>")
        _ = try await ws.nextText()
        _ = try await ws.nextText()
        return ws
    }

    /// The stream error and `<close/>`, then our close frame.
    func expectStreamError(_ ws: WebSocketTestClient, _ condition: String) async throws {
        let error = try await ws.nextText()
        #expect(error.hasPrefix("<stream:error xmlns:stream='http://etherx.jabber.org/streams'><\(condition) xmlns='\(streamErrors)'"))
        #expect(try await ws.nextText() == "<close xmlns='\(framing)'/>")
        let close = try await ws.next()
        #expect(close.opcode == WebSocketTestClient.close)
        #expect(close.payload == [0x03, 0xE8])
    }

    @Test func upgradeAnswers101WithXMPPAndTheCookie() async throws {
        let ws = try await client()
        let response = try await ws.upgrade()
        #expect(response.hasPrefix("HTTP/1.1 101 Switching Protocols\r\n"))
        let head = response.lowercased()
        #expect(head.contains("sec-websocket-protocol: xmpp\r\n"))
        #expect(head.contains("set-cookie: vroute=g7; path=/; httponly\r\n"))
        #expect(head.contains("sec-websocket-accept: s3pplmbitxaq9kygzzhzrbk+xoo=\r\n"))
    }

    @Test func upgradeWithoutXMPPIsRefused() async throws {
        let ws = try await client()
        let response = try await ws.upgrade(protocols: "chat")
        #expect(response.hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
        #expect(!response.lowercased().contains("sec-websocket-accept"))
        #expect(response.contains("set-cookie: vroute=g7"))
        let none = try await client()
        #expect(try await none.upgrade(protocols: nil).hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
    }

    @Test func plainGETOnThePathIsUpgradeRequired() async throws {
        let http = try await HTTPTestChannel(settings: BOSHTest.settings(), sessions: sessions)
        let response = try await http.exchange(BOSHTest.request("GET", "/xmpp-websocket"))
        #expect(response.hasPrefix("HTTP/1.1 426 Upgrade Required\r\n"))
        // BOSH on the same connection still works.
        #expect(try await http.exchange(BOSHTest.request(body: BOSHTest.creation)).hasPrefix("HTTP/1.1 200 OK\r\n"))
    }

    @Test func openIsAnsweredWithOpenAndFeatures() async throws {
        let ws = try await client()
        _ = try await ws.upgrade()
        try await ws.send("<open xmlns='\(framing)' to='example.com' version='1.0'/>")
        let open = try await ws.nextText()
        #expect(open.hasPrefix("<open xmlns='\(framing)' id='"))
        #expect(open.hasSuffix(" from='example.com' version='1.0' xml:lang='en'/>"))
        #expect(try await ws.nextText() == """
            <stream:features xmlns:stream='http://etherx.jabber.org/streams'>\
            <mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>SCRAM-SHA-256</mechanism>\
            <mechanism>SCRAM-SHA-1</mechanism><mechanism>PLAIN</mechanism></mechanisms></stream:features>
            """)
    }

    @Test func saslThenRestartOffersBinding() async throws {
        let ws = try await opened()
        try await ws.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGp1bGlldAByMG1lbw==</auth>")
        #expect(try await ws.nextText() == "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>")
        try await ws.send("<open xmlns='\(framing)' to='example.com' version='1.0'/>")
        #expect(try await ws.nextText().hasPrefix("<open "))
        #expect(try await ws.nextText().contains("<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"))
    }

    @Test func closeIsAnsweredWithCloseThenACloseFrame() async throws {
        let ws = try await opened()
        try await ws.send("<close xmlns='\(framing)'/>")
        #expect(try await ws.nextText() == "<close xmlns='\(framing)'/>")
        #expect(try await ws.next().opcode == WebSocketTestClient.close)
        try await ws.send(opcode: WebSocketTestClient.close, [0x03, 0xE8])
        try await waitFor { !ws.http.channel.isActive }
    }

    @Test func badXMLIsNotWellFormed() async throws {
        let ws = try await opened()
        try await ws.send("<message><body>unclosed</message>")
        try await expectStreamError(ws, "not-well-formed")
    }

    @Test func twoElementsInOneMessageAreNotWellFormed() async throws {
        let ws = try await opened()
        try await ws.send("<presence/><presence/>")
        try await expectStreamError(ws, "not-well-formed")
    }

    @Test func restrictedXMLBeforeTheStreamStillGetsTheRightError() async throws {
        let ws = try await client()
        _ = try await ws.upgrade()
        try await ws.send("<!DOCTYPE x [<!ENTITY a 'b'>]><open/>")
        // The session opens its side first (RFC 6120 §4.9.1.2).
        #expect(try await ws.nextText().hasPrefix("<open "))
        try await expectStreamError(ws, "restricted-xml")
    }

    @Test func oversizeMessageIsAPolicyViolation() async throws {
        let ws = try await opened()
        try await ws.send("<message><body>" + String(repeating: "x", count: 2000) + "</body></message>")
        try await expectStreamError(ws, "policy-violation")
    }

    @Test func bytesAfterARefusedFrameDoNotCutTheStreamError() async throws {
        let ws = try await opened()
        try await ws.send("<message><body>" + String(repeating: "x", count: 2000) + "</body></message>")
        // What a client still sends reaches a decoder that has given up.
        try await ws.send("<presence/>")
        try await expectStreamError(ws, "policy-violation")
    }

    @Test func oversizeFragmentsArePolicyViolationToo() async throws {
        let ws = try await opened()
        let part = Array(repeating: UInt8(ascii: "x"), count: 600)
        try await ws.send(opcode: WebSocketTestClient.text, Array("<message><body>".utf8) + part, fin: false)
        try await ws.send(opcode: 0x0, part, fin: false)
        try await expectStreamError(ws, "policy-violation")
    }

    @Test func fragmentedMessageIsJoined() async throws {
        let ws = try await opened()
        try await ws.send(opcode: WebSocketTestClient.text, Array("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' ".utf8), fin: false)
        try await ws.send(opcode: 0x0, Array("mechanism='PLAIN'>AGp1bGlldAByMG1lbw==</auth>".utf8))
        #expect(try await ws.nextText() == "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>")
    }

    @Test func binaryMessageIsRefused() async throws {
        let ws = try await opened()
        try await ws.send(opcode: WebSocketTestClient.binary, Array("<presence/>".utf8))
        try await expectStreamError(ws, "unsupported-encoding")
    }

    @Test func pingIsAnswered() async throws {
        let ws = try await opened()
        try await ws.send(opcode: WebSocketTestClient.ping, Array("hi".utf8))
        #expect(try await ws.next() == .init(opcode: WebSocketTestClient.pong, payload: Array("hi".utf8)))
    }

    @Test func stanzaBeforeAuthenticationIsNotAuthorized() async throws {
        let ws = try await opened()
        try await ws.send("<message xmlns='jabber:client' to='romeo@example.com'><body>hi</body></message>")
        try await expectStreamError(ws, "not-authorized")
    }

    @Test func shutdownEndsTheStreamWithSystemShutdown() async throws {
        let webSockets = BOSHTest.webSockets(for: sessions)
        let ws = WebSocketTestClient(
            try await HTTPTestChannel(settings: BOSHTest.settings(), sessions: sessions, webSockets: webSockets))
        _ = try await ws.upgrade()
        try await ws.send("<open xmlns='\(framing)' to='example.com' version='1.0'/>")
        _ = try await ws.nextText()
        _ = try await ws.nextText()
        #expect(webSockets.liveCount == 1)
        webSockets.terminateAll()
        try await expectStreamError(ws, "system-shutdown")
        try await ws.send(opcode: WebSocketTestClient.close, [0x03, 0xE8])
        try await waitFor { webSockets.liveCount == 0 }
    }

    @Test func idleConnectionTimesOut() async throws {
        let webSockets = BOSHTest.webSockets(for: sessions, idleTimeout: .milliseconds(100))
        let ws = WebSocketTestClient(
            try await HTTPTestChannel(settings: BOSHTest.settings(), sessions: sessions, webSockets: webSockets))
        _ = try await ws.upgrade()
        // IdleStateHandler measures idleness on the real clock and fires on the
        // loop's (virtual) one: let both pass.
        try await Task.sleep(for: .milliseconds(150))
        try await ws.http.channel.testingEventLoop.advanceTime(by: .milliseconds(150))
        try await expectStreamError(ws, "connection-timeout")
    }

    @Test func noResourceBoundInTimeIsAConnectionTimeout() async throws {
        let webSockets = BOSHTest.webSockets(for: sessions, handshakeTimeout: .milliseconds(100))
        let ws = WebSocketTestClient(
            try await HTTPTestChannel(settings: BOSHTest.settings(), sessions: sessions, webSockets: webSockets))
        _ = try await ws.upgrade()
        try await ws.send("<open xmlns='\(framing)' to='example.com' version='1.0'/>")
        _ = try await ws.nextText()
        _ = try await ws.nextText()
        try await ws.http.channel.testingEventLoop.advanceTime(by: .milliseconds(150))
        try await expectStreamError(ws, "connection-timeout")
    }
}
