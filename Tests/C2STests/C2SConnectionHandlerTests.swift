import Foundation
import NIOCore
import Testing
@testable import C2S

/// The c2s pipeline on a test channel: exact stream answers to bad input, and
/// the connection closed after each (RFC 6120 §4.9).
@Suite("c2s connection handler")
struct C2SConnectionHandlerTests {
    @Test func aHeaderIsAnsweredWithOurHeaderAndFeatures() async throws {
        let connection = try await C2STestChannel()
        try await connection.send(C2STestChannel.header)
        let output = try await connection.output { $0.contains("</stream:features>") }
        #expect(output.hasPrefix("<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='"))
        #expect(output.contains("from='localhost'"))
        #expect(output.contains("<mechanism>SCRAM-SHA-1</mechanism>"))
        #expect(connection.channel.isActive)
    }

    @Test func malformedXMLIsNotWellFormedAndCloses() async throws {
        let connection = try await C2STestChannel()
        try await connection.send(C2STestChannel.header + "<message><body>x</message>")
        let output = try await connection.output { $0.contains("</stream:stream>") }
        // Our header first (RFC 6120 §4.9.1.2, the client's was in the same bad chunk), then the error.
        #expect(output.hasPrefix("<?xml version='1.0'?><stream:stream "))
        #expect(output.contains("<stream:error><not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"))
        #expect(output.hasSuffix("</stream:error></stream:stream>"))
        #expect(try await connection.isClosed())
    }

    @Test func anEntityIsRestrictedXML() async throws {
        let connection = try await C2STestChannel()
        try await connection.send(C2STestChannel.header + "<message><body>&amp;&lol;</body></message>")
        let output = try await connection.output { $0.contains("</stream:stream>") }
        #expect(output.contains("<restricted-xml"))
        #expect(try await connection.isClosed())
    }

    @Test func anOversizeStanzaIsAPolicyViolation() async throws {
        let connection = try await C2STestChannel()
        try await connection.send(C2STestChannel.header)
        try await connection.send("<message><body>" + String(repeating: "x", count: 5000) + "</body></message>")
        let output = try await connection.output { $0.contains("</stream:stream>") }
        #expect(output.contains("<policy-violation"))
        #expect(try await connection.isClosed())
    }

    @Test func aStanzaBeforeAuthenticationIsNotAuthorized() async throws {
        let connection = try await C2STestChannel()
        try await connection.send(C2STestChannel.header + "<message to='juliet@localhost'><body>hi</body></message>")
        let output = try await connection.output { $0.contains("</stream:stream>") }
        #expect(output.contains("<not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"))
        #expect(try await connection.isClosed())
    }

    @Test func storageAwayDuringSASLIsTemporaryAuthFailureAndTheStreamStays() async throws {
        let connection = try await C2STestChannel()
        try await connection.send(C2STestChannel.header)
        _ = try await connection.output { $0.contains("</stream:features>") }
        // PLAIN: authzid empty, "alice", "secret".
        let plain = Array("\u{0}alice\u{0}secret".utf8)
        try await connection.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>\(Data(plain).base64EncodedString())</auth>")
        let output = try await connection.output { $0.contains("</failure>") }
        #expect(output.contains("<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><temporary-auth-failure/></failure>"))
        #expect(connection.channel.isActive)
    }

    @Test func silenceIsAConnectionTimeout() async throws {
        let connection = try await C2STestChannel()
        connection.channel.pipeline.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.read)
        let output = try await connection.output { $0.contains("</stream:stream>") }
        // The client never sent a header; ours still comes first (RFC 6120 §4.9.1.2).
        #expect(output.hasPrefix("<?xml version='1.0'?><stream:stream "))
        #expect(output.contains("<stream:error><connection-timeout xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"))
        #expect(output.hasSuffix("</stream:error></stream:stream>"))
        #expect(try await connection.isClosed())
    }

    @Test func bytesAfterATimeoutAreNotRead() async throws {
        let connection = try await C2STestChannel()
        try await connection.send(C2STestChannel.header)
        _ = try await connection.output { $0.contains("</stream:features>") }
        connection.channel.pipeline.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.read)
        // Too late: this would be a not-authorized stanza, but the stream is already ending.
        try await connection.send("<message to='juliet@localhost'><body>hi</body></message>")
        let output = try await connection.output { $0.contains("</stream:stream>") }
        #expect(output.contains("<connection-timeout"))
        #expect(!output.contains("<not-authorized"))
        #expect(try await connection.isClosed())
    }

    @Test func aTimeoutClosesTheConnectionEvenWhileTheSessionIsStuck() async throws {
        let connection = try await C2STestChannel(closeTimeout: .milliseconds(100), credentials: StuckCredentials())
        try await connection.send(C2STestChannel.header)
        _ = try await connection.output { $0.contains("</stream:features>") }
        // SCRAM-SHA-1 client-first: the session task waits for a storage answer that never comes.
        let clientFirst = Data("n,,n=alice,r=fyko+d2lbbFgONRv9qkxdawL".utf8).base64EncodedString()
        try await connection.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='SCRAM-SHA-1'>\(clientFirst)</auth>")
        connection.channel.pipeline.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.read)
        try await connection.channel.testingEventLoop.advanceTime(by: .milliseconds(150))
        #expect(try await connection.isClosed())
    }

    @Test func noBindingWithinTheHandshakeTimeoutIsAConnectionTimeout() async throws {
        let connection = try await C2STestChannel(handshakeTimeout: .milliseconds(50))
        try await connection.send(C2STestChannel.header)
        try await connection.channel.testingEventLoop.advanceTime(by: .milliseconds(60))
        let output = try await connection.output { $0.contains("</stream:stream>") }
        #expect(output.contains("<connection-timeout"))
    }
}
