import Cluster

/// A message kept for an offline user (XEP-0160), as `offline.take` returns it:
/// the stanza as it was stored and when (for the XEP-0203 `<delay/>` the router
/// adds on delivery).
public struct OfflineMessage: Sendable, Hashable {
    /// The `<message/>` as serialized XML.
    public var xml: String
    /// When storage received it, milliseconds since 1970.
    public var storedAtMilliseconds: Int64

    public init(xml: String, storedAtMilliseconds: Int64) {
        self.xml = xml
        self.storedAtMilliseconds = storedAtMilliseconds
    }

    public var storageValue: StorageValue {
        .object(["xml": .string(xml), "stored_at": .int(storedAtMilliseconds)])
    }

    public init?(storageValue: StorageValue) {
        guard let object = storageValue.object, let xml = object["xml"]?.string, let at = object["stored_at"]?.int else {
            return nil
        }
        self.init(xml: xml, storedAtMilliseconds: at)
    }
}
