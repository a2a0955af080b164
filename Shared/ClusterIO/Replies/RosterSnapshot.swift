import Cluster

/// A user's whole roster and its version (XEP-0237): the result of `roster.get`
/// and the content of the `roster:{bare}` cache.
public struct RosterSnapshot: Sendable, Hashable {
    public var version: Int64
    public var items: [RosterItemRecord]

    public init(version: Int64, items: [RosterItemRecord]) {
        self.version = version
        self.items = items
    }

    /// `{"version": n, "items": [...]}`.
    public var result: [String: StorageValue] {
        ["version": .int(version), "items": .list(items.map(\.storageValue))]
    }

    public init?(result: [String: StorageValue]) {
        guard let version = result["version"]?.int, let list = result["items"]?.list else { return nil }
        let items = list.compactMap(RosterItemRecord.init(storageValue:))
        guard items.count == list.count else { return nil }
        self.init(version: version, items: items)
    }

    /// The version as the `ver` attribute carries it (XEP-0237 leaves the format
    /// to the server; Trellis uses the decimal counter).
    public var versionString: String { String(version) }
}
