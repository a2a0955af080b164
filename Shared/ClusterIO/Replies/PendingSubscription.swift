import Cluster

/// An inbound subscription request the user has not answered yet, kept across
/// restarts and delivered again at login (RFC 6121 §3.1.3).
public struct PendingSubscription: Sendable, Hashable {
    /// The bare JID that asked.
    public var contact: String
    /// The `<presence type='subscribe'/>` as received.
    public var xml: String

    public init(contact: String, xml: String) {
        self.contact = contact
        self.xml = xml
    }

    public var storageValue: StorageValue { .object(["contact": .string(contact), "xml": .string(xml)]) }

    public init?(storageValue: StorageValue) {
        guard let object = storageValue.object, let contact = object["contact"]?.string, let xml = object["xml"]?.string
        else { return nil }
        self.init(contact: contact, xml: xml)
    }
}
