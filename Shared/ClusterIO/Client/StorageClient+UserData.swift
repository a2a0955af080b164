import Cluster
import XMPPCore

/// vCards (XEP-0054), private XML (XEP-0049) and offline messages (XEP-0160).
extension StorageClient {
    /// The stored `<vCard xmlns='vcard-temp'/>` as text, or `nil` when there is none.
    public func vcard(user: String) async throws(StorageClientError) -> String? {
        try await result(.vcardGet, arguments: ["user": user])["xml"]?.string
    }

    public func setVCard(user: String, xml: String) async throws(StorageClientError) {
        _ = try await result(.vcardSet, arguments: ["user": user, "xml": xml])
    }

    /// The private XML stored under `namespace`, or `nil`.
    public func privateXML(user: String, namespace: String) async throws(StorageClientError) -> String? {
        try await result(.privateGet, arguments: ["user": user, "ns": namespace])["xml"]?.string
    }

    /// Stores `element` under its own namespace; `jabber:*` namespaces are
    /// refused with `not-acceptable` (XEP-0049 §3).
    public func setPrivateXML(user: String, element: XMLElement) async throws(StorageClientError) {
        _ = try await result(
            .privateSet, arguments: ["user": user, "ns": element.namespace ?? "", "xml": element.serialized()])
    }

    /// Keeps a message for an offline user. Over `storage.offline_max_messages`,
    /// or for an unknown user, storage refuses with `service-unavailable`
    /// (RFC 6121 §8.5.2.2.1, XEP-0160 §3).
    public func storeOffline(user: String, message: XMLElement) async throws(StorageClientError) {
        _ = try await result(.offlineStore, arguments: ["user": user, "xml": message.serialized()])
    }

    /// Returns the user's offline messages in the order they were stored and
    /// deletes them, atomically.
    public func takeOffline(user: String) async throws(StorageClientError) -> [OfflineMessage] {
        guard let list = try await result(.offlineTake, arguments: ["user": user])["messages"]?.list else {
            throw .malformedReply("offline.take")
        }
        return list.compactMap(OfflineMessage.init(storageValue:))
    }
}
