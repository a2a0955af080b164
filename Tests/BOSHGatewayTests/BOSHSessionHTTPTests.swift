import Testing
@testable import BOSHGateway

private let httpbind = "xmlns='http://jabber.org/protocol/httpbind'"

@Suite("BOSH sessions through the HTTP pipeline")
struct BOSHSessionHTTPTests {
    let redis = RecordingRedis()
    let sessions: BOSHSessions

    init() {
        sessions = BOSHTest.sessions(redis: redis)
    }

    func connection() async throws -> HTTPTestChannel {
        try await HTTPTestChannel(settings: BOSHTest.settings(), sessions: sessions)
    }

    func post(_ http: HTTPTestChannel, _ attributes: String, _ payloads: String = "") async throws -> String {
        bodyOf(try await http.exchange(BOSHTest.request(body: BOSHTest.body(attributes, payloads))))
    }

    func create(_ http: HTTPTestChannel) async throws -> String {
        let body = bodyOf(try await http.exchange(BOSHTest.request(body: BOSHTest.creation)))
        return try #require(BOSHTest.sid(in: body))
    }

    @Test func creationAnswersWithTheSessionAttributesAndStreamFeatures() async throws {
        let http = try await connection()
        let reply = try await http.exchange(BOSHTest.request(body: BOSHTest.creation))
        let body = bodyOf(reply)
        let sid = try #require(BOSHTest.sid(in: body))
        #expect(sid.count == 32 && sid.allSatisfy(\.isHexDigit))
        let session = try #require(sessions.session(sid))
        #expect(reply.hasPrefix("HTTP/1.1 200 OK\r\ncontent-type: text/xml; charset=utf-8\r\nset-cookie: vroute=g7; Path=/; HttpOnly\r\n"))
        #expect(body == """
            <body \(httpbind) xmlns:stream='http://etherx.jabber.org/streams' xmlns:xmpp='urn:xmpp:xbosh' \
            sid='\(sid)' wait='10' requests='2' hold='1' inactivity='60' polling='2' maxpause='120' ver='1.11' \
            from='example.com' authid='\(session.info.streamID)' secure='true' xmpp:version='1.0' xmpp:restartlogic='true'>\
            <stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>SCRAM-SHA-256</mechanism>\
            <mechanism>SCRAM-SHA-1</mechanism><mechanism>PLAIN</mechanism></mechanisms></stream:features></body>
            """)
        try await waitFor { redis.commands.contains(["SET", "trellis:bosh:{\(sid)}", "bosh-test-1", "PX", "30000"]) }
    }

    @Test func waitIsCappedByMaxWait() async throws {
        let http = try await HTTPTestChannel(settings: BOSHTest.settings(), sessions: BOSHTest.sessions(maxWait: 5))
        let body = bodyOf(try await http.exchange(BOSHTest.request(body: BOSHTest.creation)))
        #expect(body.contains(" wait='5' "))
    }

    @Test func heldRequestIsReleasedByTheNextAndTerminateEndsTheSession() async throws {
        let (first, second) = (try await connection(), try await connection())
        let sid = try await create(first)
        try await first.send(BOSHTest.request(body: BOSHTest.body("rid='1001' sid='\(sid)'")))
        #expect(try await first.isSilent())
        let terminated = try await post(second, "rid='1002' sid='\(sid)' type='terminate'", "<presence type='unavailable' xmlns='jabber:client'/>")
        #expect(terminated == "<body \(httpbind) type='terminate'/>")
        #expect(bodyOf(try await first.response()) == "<body \(httpbind)/>")
        try await waitFor { redis.commands.contains(["DEL", "trellis:bosh:{\(sid)}"]) }
        #expect(try await post(second, "rid='1003' sid='\(sid)'") == "<body \(httpbind) type='terminate' condition='item-not-found'/>")
    }

    @Test func aHeldRequestIsAnsweredEmptyAfterWait() async throws {
        let http = try await connection()
        let sid = try await create(http)
        try await http.send(BOSHTest.request(body: BOSHTest.body("rid='1001' sid='\(sid)'")))
        sessions.tick(now: .now + .seconds(5))
        #expect(try await http.isSilent(for: .milliseconds(100)))
        sessions.tick(now: .now + .seconds(11))
        #expect(bodyOf(try await http.response()) == "<body \(httpbind)/>")
    }

    @Test func ridOutsideTheWindowEndsTheSession() async throws {
        let http = try await connection()
        let sid = try await create(http)
        #expect(try await post(http, "rid='1005' sid='\(sid)'") == "<body \(httpbind) type='terminate' condition='item-not-found'/>")
        #expect(sessions.session(sid)?.isEnded == true)
    }

    @Test func anOversizedRequestEndsItsSessionWithPolicyViolation() async throws {
        let http = try await connection()
        let sid = try await create(http)
        let big = String(repeating: "x", count: 5000)
        let reply = try await http.exchange(BOSHTest.request(body: BOSHTest.body("rid='1001' sid='\(sid)'", "<message xmlns='jabber:client'><body>\(big)</body></message>")))
        #expect(reply.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(bodyOf(reply) == "<body \(httpbind) type='terminate' condition='policy-violation'/>")
        #expect(sessions.session(sid)?.isEnded == true)
    }

    @Test func aStanzaBeforeAuthenticationIsARemoteStreamError() async throws {
        let http = try await connection()
        let sid = try await create(http)
        let reply = try await post(http, "rid='1001' sid='\(sid)'", "<message xmlns='jabber:client' to='romeo@example.com'/>")
        #expect(reply == """
            <body \(httpbind) xmlns:stream='http://etherx.jabber.org/streams' type='terminate' condition='remote-stream-error'>\
            <stream:error><not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></body>
            """)
    }

    static let refusals: [(String, String)] = [
        ("rid='1' to='other.org' wait='10' hold='1' ver='1.11'", "host-unknown"),
        ("rid='1' wait='10' hold='1' ver='1.11'", "improper-addressing"),
        ("rid='1' to='example.com' hold='1' ver='1.11'", "bad-request"),
        ("to='example.com' wait='10' hold='1' ver='1.11'", "bad-request"),
    ]

    @Test(arguments: refusals)
    func refusedCreations(_ attributes: String, _ condition: String) async throws {
        let http = try await connection()
        let reply = try await http.exchange(BOSHTest.request(body: BOSHTest.body(attributes)))
        #expect(reply.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(bodyOf(reply) == "<body \(httpbind) type='terminate' condition='\(condition)'/>")
    }

    @Test func legacyClientsGetHTTPErrorCodes() async throws {
        let http = try await connection()
        let reply = try await http.exchange(BOSHTest.request(body: BOSHTest.body("rid='1' to='example.com' hold='1'")))
        #expect(reply.hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
    }

    @Test func shutdownEndsSessionsWithSystemShutdownAndRefusesNewOnes() async throws {
        let http = try await connection()
        let sid = try await create(http)
        try await http.send(BOSHTest.request(body: BOSHTest.body("rid='1001' sid='\(sid)'")))
        try await waitFor { sessions.session(sid).map { !$0.isEnded } ?? false }
        try await Task.sleep(for: .milliseconds(50))
        sessions.terminateAll(.systemShutdown)
        #expect(bodyOf(try await http.response()) == "<body \(httpbind) type='terminate' condition='system-shutdown'/>")
        #expect(try await post(http, String(BOSHTest.creation.dropFirst("<body xmlns='http://jabber.org/protocol/httpbind' xmlns:xmpp='urn:xmpp:xbosh' ".count).dropLast(2)))
            == "<body \(httpbind) type='terminate' condition='system-shutdown'/>")
        try await waitFor { sessions.liveCount == 0 }
    }
}

/// Polls `condition` every 10 ms for up to 5 s.
func waitFor(_ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(5)
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    throw TestTimeout()
}
