import Cluster
import XMPPCore

/// One change to one user's roster, to be pushed to that user's interested
/// resources (RFC 6121 §2.1.6) with the roster's new version (XEP-0237).
public struct RosterPush: Sendable, Hashable {
    /// The bare JID whose roster changed.
    public var user: String
    /// The roster version after the change.
    public var version: Int64
    /// The item after the change; for a removal, the item as it was.
    public var item: RosterItemRecord
    /// The item was removed (pushed as `subscription='remove'`).
    public var removed: Bool

    public init(user: String, version: Int64, item: RosterItemRecord, removed: Bool = false) {
        self.user = user
        self.version = version
        self.item = item
        self.removed = removed
    }

    /// The `<item/>` of the push: the record, or `<item jid='…' subscription='remove'/>`.
    public var element: XMLElement {
        guard removed else { return item.element }
        return XMLElement("item", namespace: XMPPNamespace.roster, attributes: ["jid": item.jid, "subscription": "remove"])
    }

    public var storageValue: StorageValue {
        var object: [String: StorageValue] = ["user": .string(user), "version": .int(version), "item": item.storageValue]
        if removed { object["removed"] = .bool(true) }
        return .object(object)
    }

    public init?(storageValue: StorageValue) {
        guard let object = storageValue.object, let user = object["user"]?.string, let version = object["version"]?.int,
            let item = object["item"].flatMap(RosterItemRecord.init(storageValue:))
        else { return nil }
        self.init(user: user, version: version, item: item, removed: object["removed"] == .bool(true))
    }
}
