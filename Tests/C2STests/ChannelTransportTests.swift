import Foundation
import NIOCore
import NIOEmbedded
import NIOSSL
import Testing
@testable import C2S

/// STARTTLS on the connection (RFC 6120 §5.4.3.3): `<proceed/>` must leave in
/// plain text, and only then may TLS take over the connection.
@Suite("c2s channel transport")
struct ChannelTransportTests {
    @Test func proceedIsFlushedInPlainTextBeforeTLSStarts() async throws {
        let context = try Self.selfSignedContext()
        let channel = NIOAsyncTestingChannel()
        try await channel.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 5222))
        let transport = ChannelTransport(channel: channel, tlsContext: context, maxOutboundBytes: 1 << 20)
        let proceed = "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"
        #expect(await transport.writeThenStartTLS(proceed))
        // NIOSSL holds flushes back until its handshake: had it gone in first,
        // the client would never see <proceed/> (found by the end-to-end test).
        let written = try await channel.readOutbound(as: ByteBuffer.self)
        #expect(written.map { String(buffer: $0) } == proceed)
        _ = try await channel.pipeline.handler(type: NIOSSLServerHandler.self).get()
    }

    @Test func withoutACertificateStartTLSIsRefused() async throws {
        let channel = NIOAsyncTestingChannel()
        let transport = ChannelTransport(channel: channel, tlsContext: nil, maxOutboundBytes: 1 << 20)
        #expect(await transport.writeThenStartTLS("<proceed/>") == false)
    }

    /// A throwaway certificate from the openssl command line tool.
    static func selfSignedContext() throws -> NIOSSLContext {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("c2s-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let cert = directory.appendingPathComponent("cert.pem").path, key = directory.appendingPathComponent("key.pem").path
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-keyout", key, "-out", cert, "-subj", "/CN=localhost"]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        return try C2STLS.makeContext(certificate: cert, key: key)
    }
}
