import NIOCore
import NIOWebSocket
import Testing
import XMPPCore
@testable import BOSHGateway

private let framing = "urn:ietf:params:xml:ns:xmpp-framing"

@Suite("WebSocket messages in: one element each (RFC 7395 §3.3.3)")
struct WebSocketMessageReaderTests {
    let reader = WebSocketMessageReader(limits: .init(maxStanzaSize: 1024))

    func read(_ text: String) -> WebSocketInput {
        reader.read(Array(text.utf8))
    }

    func condition(_ text: String) -> StreamError.Condition? {
        condition(of: Array(text.utf8))
    }

    func condition(of bytes: [UInt8]) -> StreamError.Condition? {
        if case .streamError(let condition, _) = reader.read(bytes) { return condition }
        return nil
    }

    @Test func openBecomesTheStreamHeaderTheNegotiationChecks() throws {
        guard case .open(let header) = read("<open xmlns='\(framing)' to='example.com' version='1.0' xml:lang='de'/>") else {
            Issue.record("not an open")
            return
        }
        #expect(header.name == "stream" && header.namespace == "http://etherx.jabber.org/streams")
        #expect(header.defaultNamespace == "jabber:client")
        #expect(header[attribute: "to"] == "example.com")
        #expect(header[attribute: "version"] == "1.0")
        #expect(header[attribute: "xml:lang"] == "de")
    }

    @Test func closeAndStanzas() {
        #expect(read("<close xmlns='\(framing)'/>") == .close)
        guard case .stanza(let message) = read("<message xmlns='jabber:client' to='romeo@example.com'><body>hi</body></message>") else {
            Issue.record("not a stanza")
            return
        }
        #expect(message.name == "message" && message.namespace == "jabber:client")
        // Without xmlns a stanza reads as a client stanza, as over BOSH.
        guard case .stanza(let bare) = read("<presence/>") else {
            Issue.record("not a stanza")
            return
        }
        #expect(bare.namespace == "jabber:client")
        guard case .stanza(let auth) = read("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGp1bGlldAByMG1lbw==</auth>") else {
            Issue.record("not an element")
            return
        }
        #expect(auth.text == "AGp1bGlldAByMG1lbw==")
    }

    @Test func anythingButExactlyOneWholeElementIsNotWellFormed() {
        #expect(condition("<message><body>hi</body>") == .notWellFormed)
        #expect(condition("<presence/><presence/>") == .notWellFormed)
        #expect(condition("") == .notWellFormed)
        #expect(condition("   ") == .notWellFormed)
        #expect(condition("<message></presence>") == .notWellFormed)
        #expect(condition("<a/></ws><ws>") == .notWellFormed)
        #expect(condition("<presence/></ws>") == .notWellFormed)
        #expect(condition("hello") == .badFormat)
    }

    @Test func restrictedXMLAndLimitsAsOnC2S() {
        #expect(condition("<!DOCTYPE lol [<!ENTITY a 'aaaa'>]><message>&a;</message>") == .restrictedXML)
        #expect(condition("<message><!-- note --></message>") == .restrictedXML)
        #expect(condition("<message><?pi x?></message>") == .restrictedXML)
        #expect(condition("<message>&custom;</message>") == .restrictedXML)
        #expect(condition("<message><body>" + String(repeating: "x", count: 2000) + "</body></message>") == .policyViolation)
        let deep = String(repeating: "<a>", count: 40) + String(repeating: "</a>", count: 40)
        #expect(condition(deep) == .policyViolation)
        // Bytes that are not UTF-8 never reach the session as a stanza.
        #expect(condition(of: [0x3C, 0x61, 0x3E, 0xFF, 0xFE, 0x3C, 0x2F, 0x61, 0x3E]) == .unsupportedEncoding)
    }

    @Test func framingElementsInAnotherNamespaceAreInvalidNamespace() {
        #expect(condition("<open xmlns='jabber:client' to='example.com' version='1.0'/>") == .invalidNamespace)
        #expect(condition("<close/>") == .invalidNamespace)
    }
}

@Suite("WebSocket messages out: what the XMPP session writes, one element each")
struct WebSocketStreamOutputTests {
    static let header = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='abc' from='example.com' version='1.0' xml:lang='en'>"

    @Test func headerBecomesOpenAndFeaturesDeclareTheStreamPrefix() {
        let output = WebSocketStreamOutput()
        let messages = output.read(Self.header + "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>")
        #expect(messages.texts == [
            "<open xmlns='\(framing)' id='abc' from='example.com' version='1.0' xml:lang='en'/>",
            "<stream:features xmlns:stream='http://etherx.jabber.org/streams'><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>",
        ])
    }

    @Test func severalStanzasInOneWriteAreSeveralMessagesWithTheirNamespace() {
        let output = WebSocketStreamOutput()
        _ = output.read(Self.header)
        let messages = output.read("<message from='a@example.com/x' to='b@example.com'><body>1</body></message><presence from='a@example.com/x'/>")
        #expect(messages.texts == [
            "<message xmlns='jabber:client' from='a@example.com/x' to='b@example.com'><body>1</body></message>",
            "<presence xmlns='jabber:client' from='a@example.com/x'/>",
        ])
    }

    @Test func streamErrorIsFollowedByCloseAndEndsTheOutput() {
        let output = WebSocketStreamOutput()
        _ = output.read(Self.header)
        let messages = output.read(StreamError(.notWellFormed).closingText)
        #expect(messages.texts == [
            "<stream:error xmlns:stream='http://etherx.jabber.org/streams'><not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>",
            "<close xmlns='\(framing)'/>",
        ])
        #expect(output.isEnded)
        #expect(output.read("<message/>").refused)
    }

    @Test func closingTagIsCloseAndARestartOpensAgain() {
        let output = WebSocketStreamOutput()
        _ = output.read(Self.header)
        #expect(output.read(Self.header).texts.first?.hasPrefix("<open ") == true)
        #expect(output.read("</stream:stream>").texts == ["<close xmlns='\(framing)'/>"])
    }

    @Test func endFromOutsideTheSessionWorksBeforeAnyHeader() {
        let output = WebSocketStreamOutput()
        #expect(output.end(.systemShutdown, text: nil).texts == [
            "<stream:error xmlns:stream='http://etherx.jabber.org/streams'><system-shutdown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>",
            "<close xmlns='\(framing)'/>",
        ])
        #expect(output.end(.systemShutdown, text: nil).refused)
    }
}

@Suite("The WebSocket side of a connection (RFC 6455 §5.5, RFC 7395 §3.6)")
struct WebSocketConnectionStateMachineTests {
    var machine = WebSocketConnectionStateMachine(reader: WebSocketMessageReader(limits: .init(maxStanzaSize: 1024)))

    @Test mutating func pingIsAnsweredWithItsData() {
        let data = ByteBuffer(string: "k")
        #expect(machine.pingReceived(data) == [.pong(data)])
    }

    @Test mutating func badInputEndsTheInputAfterOneError() {
        #expect(machine.textReceived(Array("<a/><b/>".utf8)) == [.deliver(.streamError(.notWellFormed, text: "a WebSocket message must hold exactly one XML element"))])
        #expect(machine.textReceived(Array("<presence/>".utf8)) == [])
        #expect(machine.binaryReceived() == [])
    }

    @Test mutating func binaryIsAnEncodingError() {
        guard case .deliver(.streamError(let condition, _))? = machine.binaryReceived().first else {
            Issue.record("no stream error")
            return
        }
        #expect(condition == .unsupportedEncoding)
    }

    @Test mutating func oversizeIsAPolicyViolation() {
        guard case .deliver(.streamError(let condition, _))? = machine.messageTooLarge().first else {
            Issue.record("no stream error")
            return
        }
        #expect(condition == .policyViolation)
    }

    @Test mutating func serverInitiatedClose() {
        #expect(machine.sessionClosed() == [.sendClose(.normalClosure), .closeAfterTimeout])
        #expect(machine.textReceived(Array("<presence/>".utf8)) == [])
        #expect(machine.closeReceived() == [.closeChannel, .finishInput])
        #expect(machine.channelInactive() == [])
    }

    @Test mutating func clientInitiatedClose() {
        #expect(machine.closeReceived() == [.sendClose(.normalClosure), .closeChannel, .finishInput])
        #expect(machine.sessionClosed() == [])
        #expect(machine.pingReceived(ByteBuffer()) == [])
    }

    @Test mutating func protocolViolationClosesWith1002() {
        #expect(machine.protocolViolated() == [.sendClose(.protocolError), .closeChannel, .finishInput])
    }

    @Test mutating func lostConnectionEndsTheInput() {
        #expect(machine.channelInactive() == [.finishInput])
    }
}
