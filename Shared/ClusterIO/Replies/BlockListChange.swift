import Cluster

/// The answer to `blocklist.block` and `blocklist.unblock` (XEP-0191): the
/// whole list after the change, so a router that keeps the list it read for a
/// batch can replace it, and which JIDs the change really added or removed,
/// so presence goes only to those whose state changed (§3.3, §3.4).
public struct BlockListChange: Sendable, Hashable {
    /// Every blocked JID after the change, normalised, sorted.
    public var items: [String]
    /// The JIDs added (block) or removed (unblock); not those that were
    /// already blocked, or not blocked at all.
    public var changed: [String]

    public init(items: [String], changed: [String]) {
        self.items = items
        self.changed = changed
    }

    public var result: [String: StorageValue] {
        ["items": .list(items.map(StorageValue.string)), "changed": .list(changed.map(StorageValue.string))]
    }

    public init?(result: [String: StorageValue]) {
        guard let items = result["items"]?.list, let changed = result["changed"]?.list else { return nil }
        self.init(items: items.compactMap(\.string), changed: changed.compactMap(\.string))
    }

    /// The `items` argument of a request: the JIDs as a JSON array of strings.
    public static func itemsArgument(_ jids: [String]) -> String {
        StorageValue.list(jids.map(StorageValue.string)).jsonText
    }
}
