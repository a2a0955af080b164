import Foundation
import Testing
@testable import BOSHGateway

private let cookie = "set-cookie: vroute=g7; Path=/; HttpOnly\r\n"
private let xml = "content-type: text/xml; charset=utf-8\r\n"

private func response(_ status: String, _ headers: String, body: String) -> String {
    "HTTP/1.1 \(status)\r\n\(headers)content-length: \(body.utf8.count)\r\n\r\n\(body)"
}

@Suite("BOSH HTTP pipeline: bytes in, exact bytes out")
struct BOSHHTTPPipelineTests {
    let sessions = BOSHTest.sessions()

    func connection(_ settings: BOSHServer.Settings = BOSHTest.settings()) async throws -> HTTPTestChannel {
        try await HTTPTestChannel(settings: settings, sessions: sessions)
    }

    @Test func unknownSIDIsItemNotFoundAtOnce() async throws {
        let http = try await connection()
        let reply = try await http.exchange(BOSHTest.request(body: BOSHTest.body("rid='5' sid='someone-elses'")))
        #expect(reply == response("200 OK", xml + cookie,
            body: "<body xmlns='http://jabber.org/protocol/httpbind' type='terminate' condition='item-not-found'/>"))
    }

    @Test func theOtherBindPathAndATrailingSlashWorkToo() async throws {
        let http = try await connection()
        for path in ["/http-bind", "/xmpp/", "/xmpp?x=1"] {
            let reply = try await http.exchange(BOSHTest.request("POST", path, body: BOSHTest.body("rid='5' sid='x'")))
            #expect(bodyOf(reply).contains("item-not-found"), "\(path)")
        }
    }

    @Test func malformedBodyIsBadRequest() async throws {
        let http = try await connection()
        let reply = try await http.exchange(BOSHTest.request(body: "<body xmlns='http://jabber.org/protocol/httpbind' rid='1'><message>"))
        #expect(reply == response("400 Bad Request", xml + cookie,
            body: "<body xmlns='http://jabber.org/protocol/httpbind' type='terminate' condition='bad-request'/>"))
    }

    @Test func oversizedBodyWithoutSessionIsPayloadTooLarge() async throws {
        let http = try await connection(BOSHTest.settings(maxStanzaSize: 1024))  // body limit 4096
        let big = String(repeating: "x", count: 5000)
        let reply = try await http.exchange(BOSHTest.request(body: BOSHTest.body("rid='1'", "<message xmlns='jabber:client'><body>\(big)</body></message>")))
        #expect(reply == response("413 Payload Too Large", xml + cookie,
            body: "<body xmlns='http://jabber.org/protocol/httpbind' type='terminate' condition='policy-violation'/>"))
    }

    @Test func malformedHTTPIsA400WithTheCookie() async throws {
        let http = try await connection()
        // The decoder's error also surfaces here, after the handlers answered it.
        try? await http.send("GARBAGE\r\n\r\n")
        #expect(try await http.response() == "HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\(cookie)\r\n")
    }

    @Test func getOnTheBindPathIsNotAllowed() async throws {
        let http = try await connection()
        let reply = try await http.exchange(BOSHTest.request("GET"))
        #expect(reply == response("405 Method Not Allowed",
            "allow: POST, OPTIONS\r\ncontent-type: text/plain; charset=utf-8\r\n" + cookie, body: "BOSH takes POST\n"))
    }

    @Test func corsPreflightForAnAllowedOrigin() async throws {
        let http = try await connection(BOSHTest.settings(origins: ["https://app.example"]))
        let reply = try await http.exchange(BOSHTest.request("OPTIONS", headers: [
            "Origin: https://app.example", "Access-Control-Request-Method: POST", "Access-Control-Request-Headers: content-type",
        ]))
        #expect(reply == """
            HTTP/1.1 204 No Content\r\nallow: GET, HEAD, POST, OPTIONS\r\naccess-control-allow-origin: https://app.example\r\n\
            access-control-allow-credentials: true\r\nvary: Origin\r\naccess-control-allow-methods: GET, HEAD, POST, OPTIONS\r\n\
            access-control-allow-headers: Content-Type\r\naccess-control-max-age: 86400\r\n\(cookie)\r\n
            """)
    }

    @Test func corsHeadersOnlyForListedOrigins() async throws {
        let http = try await connection(BOSHTest.settings(origins: ["https://app.example"]))
        let allowed = try await http.exchange(BOSHTest.request(body: BOSHTest.body("rid='5' sid='x'"), headers: ["Origin: https://app.example"]))
        #expect(allowed.contains("access-control-allow-origin: https://app.example\r\naccess-control-allow-credentials: true\r\nvary: Origin\r\n"))
        let other = try await http.exchange(BOSHTest.request(body: BOSHTest.body("rid='5' sid='x'"), headers: ["Origin: https://evil.example"]))
        #expect(!other.lowercased().contains("access-control"))
        let preflight = try await http.exchange(BOSHTest.request("OPTIONS", headers: ["Origin: https://evil.example"]))
        #expect(preflight == "HTTP/1.1 204 No Content\r\nallow: GET, HEAD, POST, OPTIONS\r\n\(cookie)\r\n")
    }

    @Test func noCookieWithoutAVRoute() async throws {
        let http = try await connection(BOSHTest.settings(vroute: nil))
        let reply = try await http.exchange(BOSHTest.request("GET", "/"))
        #expect(reply == response("404 Not Found", "content-type: text/plain; charset=utf-8\r\n", body: "not found\n"))
    }

    @Test func staticFilesUnderRoot() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("trellis-root-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("js"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try "<h1>hi</h1>\n".write(to: root.appendingPathComponent("index.html"), atomically: true, encoding: .utf8)
        try "alert(1)\n".write(to: root.appendingPathComponent("js/app.js"), atomically: true, encoding: .utf8)
        try "secret\n".write(to: root.appendingPathComponent(".env"), atomically: true, encoding: .utf8)
        let http = try await connection(BOSHTest.settings(root: root.path))

        #expect(try await http.exchange(BOSHTest.request("GET", "/"))
            == response("200 OK", "content-type: text/html; charset=utf-8\r\n" + cookie, body: "<h1>hi</h1>\n"))
        #expect(try await http.exchange(BOSHTest.request("GET", "/js/app.js"))
            == response("200 OK", "content-type: text/javascript; charset=utf-8\r\n" + cookie, body: "alert(1)\n"))
        #expect(try await http.exchange(BOSHTest.request("HEAD", "/js/app.js"))
            == "HTTP/1.1 200 OK\r\ncontent-type: text/javascript; charset=utf-8\r\n\(cookie)content-length: 9\r\n\r\n")
        for refused in ["/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/.env"] {
            #expect(try await http.exchange(BOSHTest.request("GET", refused))
                == response("403 Forbidden", "content-type: text/plain; charset=utf-8\r\n" + cookie, body: "forbidden\n"), "\(refused)")
        }
        #expect(try await http.exchange(BOSHTest.request("GET", "/missing.html"))
            == response("404 Not Found", "content-type: text/plain; charset=utf-8\r\n" + cookie, body: "not found\n"))
        #expect(try await http.exchange(BOSHTest.request("DELETE", "/index.html"))
            == response("405 Method Not Allowed", "allow: GET, HEAD\r\ncontent-type: text/plain; charset=utf-8\r\n" + cookie, body: "method not allowed\n"))
    }
}
