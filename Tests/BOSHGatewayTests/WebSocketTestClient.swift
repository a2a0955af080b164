import NIOCore
import NIOEmbedded
@testable import BOSHGateway

/// A WebSocket client on an `HTTPTestChannel`: the upgrade request, masked
/// client frames in (RFC 6455 §5.3), the server's frames read back out.
final class WebSocketTestClient {
    struct Frame: Equatable {
        var opcode: UInt8
        var payload: [UInt8]
        var text: String { String(decoding: payload, as: UTF8.self) }
    }

    static let text: UInt8 = 0x1, binary: UInt8 = 0x2, close: UInt8 = 0x8, ping: UInt8 = 0x9, pong: UInt8 = 0xA

    let http: HTTPTestChannel
    private var pending: [UInt8] = []

    init(_ http: HTTPTestChannel) {
        self.http = http
    }

    static func upgradeRequest(path: String = "/xmpp-websocket", protocols: String? = "xmpp") -> String {
        var text = "GET \(path) HTTP/1.1\r\nHost: gateway\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        text += "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        if let protocols { text += "Sec-WebSocket-Protocol: \(protocols)\r\n" }
        return text + "\r\n"
    }

    /// Sends the upgrade request and returns the response head.
    func upgrade(protocols: String? = "xmpp") async throws -> String {
        try await http.exchange(Self.upgradeRequest(protocols: protocols))
    }

    func send(opcode: UInt8, _ payload: [UInt8], fin: Bool = true) async throws {
        var bytes: [UInt8] = [(fin ? 0x80 : 0) | opcode]
        switch payload.count {
        case ..<126: bytes.append(0x80 | UInt8(payload.count))
        case ..<65536: bytes += [0x80 | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        default: bytes += [0x80 | 127] + (0..<8).reversed().map { UInt8((payload.count >> ($0 * 8)) & 0xFF) }
        }
        let mask: [UInt8] = [0x12, 0x34, 0x56, 0x78]
        bytes += mask
        bytes += payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
        try await http.channel.writeInbound(ByteBuffer(bytes: bytes))
    }

    func send(_ text: String) async throws {
        try await send(opcode: Self.text, Array(text.utf8))
    }

    /// The next frame the server wrote; polls so a missing frame fails the test.
    func next(timeout: Duration = .seconds(5)) async throws -> Frame {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let frame = takeFrame() { return frame }
            await http.channel.testingEventLoop.run()
            if let part = try await http.channel.readOutbound(as: IOData.self) {
                if case .byteBuffer(let buffer) = part { pending += Array(buffer.readableBytesView) }
                continue
            }
            guard ContinuousClock.now < deadline else { throw TestTimeout() }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// The next frame, which must be a text message.
    func nextText() async throws -> String {
        let frame = try await next()
        guard frame.opcode == Self.text else { throw UnexpectedFrame(frame: frame) }
        return frame.text
    }

    struct UnexpectedFrame: Error {
        var frame: Frame
    }

    /// Server frames are never masked (RFC 6455 §5.1).
    private func takeFrame() -> Frame? {
        guard pending.count >= 2 else { return nil }
        var length = Int(pending[1] & 0x7F)
        var offset = 2
        if length == 126 {
            guard pending.count >= 4 else { return nil }
            length = Int(pending[2]) << 8 | Int(pending[3])
            offset = 4
        } else if length == 127 {
            guard pending.count >= 10 else { return nil }
            length = pending[2..<10].reduce(0) { $0 << 8 | Int($1) }
            offset = 10
        }
        guard pending.count >= offset + length else { return nil }
        let frame = Frame(opcode: pending[0] & 0x0F, payload: Array(pending[offset..<offset + length]))
        pending.removeFirst(offset + length)
        return frame
    }
}
