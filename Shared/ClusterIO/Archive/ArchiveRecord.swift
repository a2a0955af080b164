import Cluster
import XMPPCore

/// One archived message as storage hands it back: its archive id, when it
/// was accepted, and the message as serialized XML.
public struct ArchiveRecord: Sendable, Hashable {
    public var id: String
    /// Milliseconds since 1970.
    public var stamp: Int64
    public var xml: String

    public init(id: String, stamp: Int64, xml: String) {
        self.id = id
        self.stamp = stamp
        self.xml = xml
    }

    public var storageValue: StorageValue {
        .object(["id": .string(id), "stamp": .int(stamp), "xml": .string(xml)])
    }

    public init?(storageValue: StorageValue?) {
        guard let object = storageValue?.object, let id = object["id"]?.string, let stamp = object["stamp"]?.int,
            let xml = object["xml"]?.string
        else { return nil }
        self.init(id: id, stamp: stamp, xml: xml)
    }

    /// The record as XEP-0313 results carry it; `nil` if the XML does not parse.
    public var archivedMessage: ArchivedMessage? {
        StanzaWire.decode(xml).map { ArchivedMessage(id: id, stamp: stamp, message: $0) }
    }
}
