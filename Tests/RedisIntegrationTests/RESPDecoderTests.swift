import NIOCore
import Redis
import Testing

@Suite("RESP encoding and decoding")
struct RESPDecoderTests {
    static let wire = "+OK\r\n-ERR bad thing\r\n:42\r\n$5\r\nhello\r\n$-1\r\n*3\r\n:1\r\n*1\r\n$0\r\n\r\n*-1\r\n$4\r\na\r\nb\r\n"
    static let expected: [RESPValue] = [
        .simpleString("OK"), .error("ERR bad thing"), .integer(42), .bulkString(ByteBuffer(string: "hello")), .null,
        .array([.integer(1), .array([.bulkString(ByteBuffer())]), .null]), .bulkString(ByteBuffer(string: "a\r\nb")),
    ]

    @Test func wholeInput() throws {
        var decoder = RESPDecoder()
        #expect(try decoder.decode(ByteBuffer(string: Self.wire)) == Self.expected)
    }

    @Test func byteByByte() throws {
        var decoder = RESPDecoder()
        var values: [RESPValue] = []
        for byte in Self.wire.utf8 {
            values += try decoder.decode(ByteBuffer(bytes: [byte]))
        }
        #expect(values == Self.expected)
    }

    @Test func protocolErrorsAreReported() {
        var decoder = RESPDecoder()
        #expect(throws: RedisError.self) { try decoder.decode(ByteBuffer(string: "?what\r\n")) }
    }

    @Test func commandEncoding() {
        var buffer = ByteBuffer()
        RESPEncoding.writeCommand(["SET", "key", 12, [UInt8]([0, 255])], to: &buffer)
        #expect(Array(buffer.readableBytesView) == Array("*4\r\n$3\r\nSET\r\n$3\r\nkey\r\n$2\r\n12\r\n$2\r\n".utf8) + [0, 255] + Array("\r\n".utf8))
    }

    @Test func backoffGrowsAndIsCapped() {
        let backoff = RedisBackoff(initial: .milliseconds(100), factor: 1.25, maximum: .seconds(5), jitter: 0.03)
        #expect(backoff.delay(attempt: 0, random: 0) == .milliseconds(100))
        #expect(backoff.delay(attempt: 1, random: 0) == .milliseconds(125))
        #expect(backoff.delay(attempt: 100, random: 0) == .seconds(5))
        #expect(backoff.delay(attempt: 0, random: 1) == .milliseconds(103))
    }
}
