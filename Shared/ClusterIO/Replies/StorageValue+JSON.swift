import Cluster
import Foundation

extension StorageValue {
    /// Compact JSON text (keys sorted), as stored in the roster cache.
    public var jsonText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Strings, integers, booleans, lists and objects always encode.
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }

    /// Parses JSON text; `nil` when it is not JSON.
    public init?(jsonText: String) {
        guard let value = try? JSONDecoder().decode(StorageValue.self, from: Data(jsonText.utf8)) else { return nil }
        self = value
    }

    public var bool: Bool? { if case .bool(let value) = self { value } else { nil } }
}
