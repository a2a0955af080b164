import Testing
@testable import BOSHGateway

@Suite("XEP-0156 discovery: /.well-known/host-meta")
struct HostMetaTests {
    @Test func urlsFollowTheHostAndSchemeTheClientUsed() throws {
        let plain = try #require(HostMeta(host: "127.0.0.1:5280", forwardedProto: nil, boshPath: "/xmpp", websocketPath: "/xmpp-websocket"))
        #expect(plain.boshURL == "http://127.0.0.1:5280/xmpp")
        #expect(plain.websocketURL == "ws://127.0.0.1:5280/xmpp-websocket")
        let secure = try #require(HostMeta(host: "chat.example.com", forwardedProto: "https", boshPath: "/xmpp", websocketPath: "/ws"))
        #expect(secure.websocketURL == "wss://chat.example.com/ws")
        #expect(secure.xrd.contains("<Link rel='urn:xmpp:alt-connections:websocket' href='wss://chat.example.com/ws'/>"))
        #expect(secure.jrd.contains(#"{"rel":"urn:xmpp:alt-connections:xbosh","href":"https://chat.example.com/xmpp"}"#))
    }

    @Test func aHostThatIsNotPlainIsRefused() {
        for host in [nil, "", "evil.example/path", "a\"b", "a b", "x'><script>"] {
            #expect(HostMeta(host: host, forwardedProto: nil, boshPath: "/xmpp", websocketPath: "/ws") == nil)
        }
    }

    @Test func servedThroughThePipelineToAnyOrigin() async throws {
        let http = try await HTTPTestChannel(settings: BOSHTest.settings(), sessions: BOSHTest.sessions())
        let xrd = try await http.exchange(BOSHTest.request("GET", "/.well-known/host-meta"))
        #expect(xrd.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(xrd.lowercased().contains("access-control-allow-origin: *\r\n"))
        #expect(bodyOf(xrd).contains("href='ws://gateway/xmpp-websocket'"))
        let jrd = try await http.exchange(
            BOSHTest.request("GET", "/.well-known/host-meta.json", headers: ["X-Forwarded-Proto: https"]))
        #expect(bodyOf(jrd).contains(#""href":"https://gateway/xmpp""#))
    }
}
