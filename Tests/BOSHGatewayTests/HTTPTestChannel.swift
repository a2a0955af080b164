import NIOCore
import NIOEmbedded
@testable import BOSHGateway

/// One client connection to the gateway's HTTP pipeline, on an
/// `NIOAsyncTestingChannel`: request bytes in, response bytes out.
struct HTTPTestChannel {
    let channel = NIOAsyncTestingChannel()

    init(settings: BOSHServer.Settings, sessions: BOSHSessions, webSockets: WebSocketSessions? = nil) async throws {
        let channel = self.channel
        let webSockets = webSockets ?? BOSHTest.webSockets(for: sessions)
        try await channel.testingEventLoop.executeInContext {
            try BOSHServer.configure(
                channel.pipeline.syncOperations, settings: settings, sessions: sessions, webSockets: webSockets)
        }
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 5280))
    }

    /// Sends a request and returns the whole response as text.
    func exchange(_ request: String) async throws -> String {
        try await send(request)
        return try await response(withBody: !request.hasPrefix("HEAD "))
    }

    func send(_ request: String) async throws {
        try await channel.writeInbound(ByteBuffer(string: request))
    }

    /// The next complete response (head and `Content-Length` bytes of body);
    /// polls, so that a missing response fails the test instead of hanging it.
    func response(withBody: Bool = true, timeout: Duration = .seconds(5)) async throws -> String {
        var text = ""
        let deadline = ContinuousClock.now + timeout
        while !Self.isComplete(text, withBody: withBody) {
            await channel.testingEventLoop.run()
            if let part = try await channel.readOutbound(as: IOData.self) {
                if case .byteBuffer(let buffer) = part { text += String(buffer: buffer) }
                continue
            }
            guard ContinuousClock.now < deadline else { throw TestTimeout() }
            try await Task.sleep(for: .milliseconds(5))
        }
        return text
    }

    /// Nothing was written within `delay` (a request is being held).
    func isSilent(for delay: Duration = .milliseconds(200)) async throws -> Bool {
        try await Task.sleep(for: delay)
        await channel.testingEventLoop.run()
        while let part = try await channel.readOutbound(as: IOData.self) {
            // The end of the previous response may still be queued, as an empty write.
            if part.readableBytes > 0 { return false }
        }
        return true
    }

    static func isComplete(_ text: String, withBody: Bool) -> Bool {
        guard let end = text.range(of: "\r\n\r\n") else { return false }
        guard withBody else { return true }
        let head = text[..<end.lowerBound].lowercased()
        let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
            .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
        return text[end.upperBound...].utf8.count >= length
    }
}

struct TestTimeout: Error {}

/// The body of an HTTP response text.
func bodyOf(_ response: String) -> String {
    guard let end = response.range(of: "\r\n\r\n") else { return "" }
    return String(response[end.upperBound...])
}
