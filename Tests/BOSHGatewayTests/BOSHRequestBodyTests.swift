import Testing
import XMPPCore
@testable import BOSHGateway

@Suite("BOSH request body parsing")
struct BOSHRequestBodyTests {
    let limits = XMLStreamParser.Limits(maxStanzaSize: 1024, maxDepth: 8)

    func parse(_ text: String) -> Result<BOSHRequestBody, BOSHRequestBody.ParseError> {
        BOSHRequestBody.parse(Array(text.utf8), limits: limits)
    }

    @Test func creationRequestAttributes() throws {
        let body = try parse(BOSHTest.body("rid='1573741820' to='Example.com' wait='60' hold='1' ver='1.6' ack='1' content='text/xml; charset=utf-8' xml:lang='en' xmpp:version='1.0'")).get()
        #expect(body.isCreation)
        #expect(body.rid == 1_573_741_820)
        #expect(body.to == "Example.com")
        #expect(body.wait == "60")
        #expect(body.hold == "1")
        #expect(body.version == "1.6")
        #expect(body.ack == "1")
        #expect(body.content == "text/xml; charset=utf-8")
        #expect(body.language == "en")
        #expect(body.xmppVersion == "1.0")
        #expect(body.payloads.isEmpty)
    }

    @Test func restartUnderAnyPrefixOfTheXBOSHNamespace() throws {
        let body = try parse("<body xmlns='http://jabber.org/protocol/httpbind' xmlns:x='urn:xmpp:xbosh' rid='5' sid='s' x:restart='true'/>").get()
        #expect(body.isRestart)
        #expect(!body.isCreation)
        // An unqualified `restart` is not XEP-0206's.
        #expect(try !parse(BOSHTest.body("rid='5' sid='s' restart='true'")).get().isRestart)
    }

    @Test func terminatePauseAndAck() throws {
        let body = try parse(BOSHTest.body("rid='9' sid='s' type='terminate' pause='30' ack='8'")).get()
        #expect(body.isTerminate)
        #expect(body.pause == 30)
        #expect(body.ack == "8")
    }

    @Test(arguments: ["0", "-1", "abc", "9007199254740992"])
    func ridOutsideTheRangeIsAbsent(_ rid: String) throws {
        #expect(try parse(BOSHTest.body("rid='\(rid)'")).get().rid == nil)
    }

    @Test func payloadsKeepOrderAndTheirNamespaces() throws {
        let body = try parse(BOSHTest.body("rid='2' sid='s'",
            "<message xmlns='jabber:client' to='a@example.com'><body>hi</body></message><auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'/>")).get()
        #expect(body.payloads.map(\.name) == ["message", "auth"])
        #expect(body.payloads[0].namespace == "jabber:client")
        #expect(body.payloads[1].namespace == "urn:ietf:params:xml:ns:xmpp-sasl")
    }

    @Test func payloadsWithoutANamespaceAreClientStanzas() throws {
        let body = try parse(BOSHTest.body("rid='2' sid='s'", "<message to='a@example.com'><body>hi</body><x xmlns='urn:x'/></message>")).get()
        let message = try #require(body.payloads.first)
        #expect(message.namespace == "jabber:client")
        #expect(message.firstChild(named: "body")?.namespace == "jabber:client")
        #expect(message.firstChild(named: "x")?.namespace == "urn:x")
    }

    static let badRequests = [
        "<body rid='1'/>",  // no httpbind namespace
        "<wrapper xmlns='http://jabber.org/protocol/httpbind' rid='1'/>",
        "<body xmlns='http://jabber.org/protocol/httpbind' rid='1'><message>",  // incomplete
        "<body xmlns='http://jabber.org/protocol/httpbind' rid='1'>text</body>",  // character data in the wrapper
        "<!DOCTYPE body [<!ENTITY x 'y'>]><body xmlns='http://jabber.org/protocol/httpbind' rid='1'/>",
        "<body xmlns='http://jabber.org/protocol/httpbind' rid='1'><message>&x;</message></body>",
        "<body xmlns='http://jabber.org/protocol/httpbind' rid='1'><!-- c --></body>",
        "not xml at all",
        "",
    ]

    @Test(arguments: badRequests)
    func malformedBodiesAreBadRequests(_ text: String) {
        guard case .failure(let error) = parse(text) else {
            Issue.record("parsed: \(text)")
            return
        }
        #expect(error.condition == .badRequest)
    }

    @Test func aPayloadOverMaxStanzaSizeIsAPolicyViolation() {
        let big = String(repeating: "x", count: 2000)
        guard case .failure(let error) = parse(BOSHTest.body("rid='2' sid='s'", "<message xmlns='jabber:client'><body>\(big)</body></message>")) else {
            Issue.record("accepted an oversized payload")
            return
        }
        #expect(error.condition == .policyViolation)
    }

    @Test func theWrapperIsReadFromTheBeginningOfABrokenRequest() {
        let text = BOSHTest.body("rid='2' sid='abc'", "<message xmlns='jabber:client'><body>unterminated")
        #expect(BOSHRequestBody.wrapper(of: Array(text.utf8), limits: limits)?.sid == "abc")
        #expect(BOSHRequestBody.wrapper(of: Array("<body rid='1'/>".utf8), limits: limits) == nil)
    }
}

@Suite("BOSH response body rendering")
struct BOSHResponseBodyTests {
    @Test func emptyBody() {
        #expect(BOSHResponseBody().text == "<body xmlns='http://jabber.org/protocol/httpbind'/>")
    }

    @Test func terminalConditions() {
        #expect(BOSHResponseBody.terminate(.itemNotFound).text
            == "<body xmlns='http://jabber.org/protocol/httpbind' type='terminate' condition='item-not-found'/>")
        #expect(BOSHResponseBody.terminate(nil).text == "<body xmlns='http://jabber.org/protocol/httpbind' type='terminate'/>")
    }

    @Test func stanzasCarryTheClientNamespaceAndStreamElementsThePrefix() {
        let features = XMLElement(name: "features", namespace: BOSHNamespace.streams, children: [
            .element(XMLElement(name: "bind", namespace: "urn:ietf:params:xml:ns:xmpp-bind")),
        ])
        let message = XMLElement("message", namespace: "jabber:client", attributes: ["to": "a'b@example.com"], children: [
            .element(XMLElement(name: "body", namespace: "jabber:client", children: [.text("1 < 2 & 3")])),
        ])
        let body = BOSHResponseBody(attributes: [("xmpp:version", "1.0")], payloads: [features, message])
        #expect(body.text == """
            <body xmlns='http://jabber.org/protocol/httpbind' xmlns:stream='http://etherx.jabber.org/streams' \
            xmlns:xmpp='urn:xmpp:xbosh' xmpp:version='1.0'><stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>\
            </stream:features><message xmlns='jabber:client' to='a&apos;b@example.com'><body>1 &lt; 2 &amp; 3</body></message></body>
            """)
    }

    @Test func legacyClientsGetHTTPErrorCodes() {
        #expect(BOSHSession.httpResponse(.terminate(.itemNotFound), condition: .itemNotFound, legacy: true).status.code == 404)
        #expect(BOSHSession.httpResponse(.terminate(.policyViolation), condition: .policyViolation, legacy: true).status.code == 403)
        #expect(BOSHSession.httpResponse(.terminate(.badRequest), condition: .badRequest, legacy: true).status.code == 400)
        #expect(BOSHSession.httpResponse(.terminate(.hostUnknown), condition: .hostUnknown, legacy: true).status.code == 200)
        #expect(BOSHSession.httpResponse(.terminate(.itemNotFound), condition: .itemNotFound, legacy: false).status.code == 200)
    }
}
