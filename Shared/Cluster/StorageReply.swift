import Foundation

/// The storage service's answer to one request, pushed as JSON onto the
/// requester's `reply:{node}` list.
///
/// ```json
/// {"id":"c2s-1:42","ok":true,"result":{"salt":"…"}}
/// {"id":"c2s-1:43","ok":false,"error":"item-not-found","text":"no such user"}
/// ```
///
/// `error` uses RFC 6120 stanza error condition names, so a requester turns it
/// into a stanza error without a translation table.
public struct StorageReply: Sendable, Hashable, Codable {
    public var id: String
    public var ok: Bool
    public var result: [String: StorageValue]?
    public var error: String?
    public var text: String?

    public static func success(id: String, result: [String: StorageValue] = [:]) -> StorageReply {
        StorageReply(id: id, ok: true, result: result, error: nil, text: nil)
    }

    public static func failure(id: String, condition: String, text: String? = nil) -> StorageReply {
        StorageReply(id: id, ok: false, result: nil, error: condition, text: text)
    }

    public func encoded() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding these plain values cannot fail.
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }

    public static func decode(_ text: String) throws -> StorageReply {
        try JSONDecoder().decode(StorageReply.self, from: Data(text.utf8))
    }
}

/// A JSON value in a storage reply: strings, integers, booleans, lists and objects.
public indirect enum StorageValue: Sendable, Hashable, Codable {
    case string(String)
    case int(Int64)
    case bool(Bool)
    case list([StorageValue])
    case object([String: StorageValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([StorageValue].self) {
            self = .list(value)
        } else {
            self = .object(try container.decode([String: StorageValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .list(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    public var string: String? { if case .string(let value) = self { value } else { nil } }
    public var int: Int64? { if case .int(let value) = self { value } else { nil } }
    public var list: [StorageValue]? { if case .list(let value) = self { value } else { nil } }
    public var object: [String: StorageValue]? { if case .object(let value) = self { value } else { nil } }
}
