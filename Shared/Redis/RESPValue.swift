import NIOCore

/// A Redis reply (RESP2).
public enum RESPValue: Sendable, Hashable {
    case simpleString(String)
    case error(String)
    case integer(Int64)
    case bulkString(ByteBuffer)
    case null
    case array([RESPValue])

    /// The value as text: a simple or bulk string (UTF-8), or an integer's digits.
    public var string: String? {
        switch self {
        case .simpleString(let string): string
        case .bulkString(let buffer): String(buffer: buffer)
        case .integer(let value): String(value)
        default: nil
        }
    }

    /// The value as an integer: an integer reply or a string of digits.
    public var int: Int64? {
        switch self {
        case .integer(let value): value
        case .bulkString, .simpleString: string.flatMap { Int64($0) }
        default: nil
        }
    }

    public var array: [RESPValue]? {
        if case .array(let values) = self { values } else { nil }
    }

    public var bytes: [UInt8]? {
        switch self {
        case .bulkString(let buffer): Array(buffer.readableBytesView)
        case .simpleString(let string): Array(string.utf8)
        default: nil
        }
    }

    public var isNull: Bool { self == .null }

    /// A flat array of field/value pairs (`HGETALL`, stream entries) as a dictionary.
    public var fieldDictionary: [String: String]? {
        guard let values = array, values.count % 2 == 0 else { return nil }
        var result: [String: String] = [:]
        var index = 0
        while index < values.count {
            guard let key = values[index].string, let value = values[index + 1].string else { return nil }
            result[key] = value
            index += 2
        }
        return result
    }
}
