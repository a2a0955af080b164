import NIOCore

/// Something that can be one argument of a Redis command (a RESP bulk string).
public protocol RESPArgument: Sendable {
    func write(to buffer: inout ByteBuffer)
}

extension String: RESPArgument {
    public func write(to buffer: inout ByteBuffer) {
        RESPEncoding.writeBulk(utf8, to: &buffer)
    }
}

extension Substring: RESPArgument {
    public func write(to buffer: inout ByteBuffer) {
        RESPEncoding.writeBulk(utf8, to: &buffer)
    }
}

extension Int: RESPArgument {
    public func write(to buffer: inout ByteBuffer) {
        String(self).write(to: &buffer)
    }
}

extension Int64: RESPArgument {
    public func write(to buffer: inout ByteBuffer) {
        String(self).write(to: &buffer)
    }
}

extension ByteBuffer: RESPArgument {
    public func write(to buffer: inout ByteBuffer) {
        buffer.writeString("$\(readableBytes)\r\n")
        buffer.writeImmutableBuffer(self)
        buffer.writeStaticString("\r\n")
    }
}

extension Array: RESPArgument where Element == UInt8 {
    public func write(to buffer: inout ByteBuffer) {
        RESPEncoding.writeBulk(self, to: &buffer)
    }
}

/// RESP2 command encoding: an array of bulk strings.
public enum RESPEncoding {
    public static func writeCommand(_ arguments: [any RESPArgument], to buffer: inout ByteBuffer) {
        buffer.writeStaticString("*")
        writeDecimal(arguments.count, to: &buffer)
        buffer.writeStaticString("\r\n")
        for argument in arguments { argument.write(to: &buffer) }
    }

    static func writeBulk(_ bytes: some Collection<UInt8>, to buffer: inout ByteBuffer) {
        buffer.writeStaticString("$")
        writeDecimal(bytes.count, to: &buffer)
        buffer.writeStaticString("\r\n")
        buffer.writeBytes(bytes)
        buffer.writeStaticString("\r\n")
    }

    static func writeDecimal(_ value: Int, to buffer: inout ByteBuffer) {
        if value < 10 {
            buffer.writeInteger(UInt8(ascii: "0") + UInt8(value))
        } else {
            buffer.writeString(String(value))
        }
    }
}
