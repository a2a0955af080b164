import NIOHTTP1
import Testing
@testable import BOSHGateway

@Suite("WebSocket handshake: path and the xmpp subprotocol (RFC 7395 §3.1)")
struct WebSocketHandshakeTests {
    func head(_ uri: String, protocols: [String]) -> HTTPRequestHead {
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: uri)
        for line in protocols { head.headers.add(name: "Sec-WebSocket-Protocol", value: line) }
        return head
    }

    func evaluate(_ head: HTTPRequestHead, vroute: String? = "g7", shuttingDown: Bool = false) -> Result<HTTPHeaders, WebSocketHandshake.Refusal> {
        WebSocketHandshake.evaluate(head, path: "/xmpp-websocket", vroute: vroute, shuttingDown: shuttingDown)
    }

    @Test func acceptedWithXMPPAndTheVRouteCookie() throws {
        let headers = try evaluate(head("/xmpp-websocket?x=1", protocols: ["chat, xmpp"])).get()
        #expect(headers["sec-websocket-protocol"] == ["xmpp"])
        #expect(headers["set-cookie"] == ["vroute=g7; Path=/; HttpOnly"])
        #expect(try evaluate(head("/xmpp-websocket/", protocols: ["other", "xmpp"]), vroute: nil).get()["set-cookie"] == [])
    }

    @Test func refusedWithoutXMPP() {
        #expect(evaluate(head("/xmpp-websocket", protocols: [])) == .failure(.noXMPPSubprotocol))
        #expect(evaluate(head("/xmpp-websocket", protocols: ["XMPP"])) == .failure(.noXMPPSubprotocol))
        #expect(evaluate(head("/xmpp-websocket", protocols: ["xmpp2, chat"])) == .failure(.noXMPPSubprotocol))
    }

    @Test func otherPathsAndShutdown() {
        #expect(evaluate(head("/xmpp", protocols: ["xmpp"])) == .failure(.otherPath))
        #expect(evaluate(head("/xmpp-websocket", protocols: ["xmpp"]), shuttingDown: true) == .failure(.shuttingDown))
    }
}
