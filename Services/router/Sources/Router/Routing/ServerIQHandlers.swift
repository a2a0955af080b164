import Cluster
import XMPPCore

/// The IQs the server answers itself, by `IQHandlerKey`. Returns false for a
/// key no handler takes (the caller answers `service-unavailable`).
extension RoutingPass {
    mutating func handleServerIQ(_ key: IQHandlerKey, payload: XMLElement, target: JID) async throws -> Bool {
        switch (key.type, key.namespace) {
        case (.get, XMPPNamespace.ping):
            // XEP-0199 §4.2 (server) and §4.3 (an account answers for itself).
            guard key.target != .otherAccount else { return false }
            replyResult()
        case (.get, XMPPNamespace.discoInfo) where key.target == .host && payload[attribute: "node"] == nil:
            replyResult(ServerFeatures.discoInfo(archiving: context.archiving))
        case (.get, XMPPNamespace.discoInfo) where key.target != .host && payload[attribute: "node"] == nil:
            // XEP-0030 §3.1 for an account: an identity, no presence leak; the
            // archive features (XEP-0313 §7) to its owner, who may query it.
            replyResult(ServerFeatures.accountDiscoInfo(archive: context.archiving && key.target == .ownAccount))
        case (.get, XMPPNamespace.discoItems) where key.target == .host:
            replyResult(XMLElement(name: "query", namespace: XMPPNamespace.discoItems))
        case (.get, XMPPNamespace.version) where key.target == .host:
            replyResult(ServerFeatures.version())
        case (_, XMPPNamespace.roster):
            guard key.target == .ownAccount else {
                // RFC 6121 §2.1.5: only the user's own roster.
                bounce(StanzaError(.forbidden))
                return true
            }
            try await handleRoster(key.type, payload: payload)
        case (_, XMPPNamespace.vcard):
            try await handleVCard(key, payload: payload, target: target)
        case (_, XMPPNamespace.blocking) where key.target != .host:
            guard key.target == .ownAccount else {
                // XEP-0191: only the user's own block list.
                bounce(StanzaError(.forbidden))
                return true
            }
            try await handleBlocking(key.type, payload: payload)
        case (_, XMPPNamespace.archive) where key.target != .host && context.archiving:
            guard key.target == .ownAccount else {
                // XEP-0313 §9.1: only the user may read their archive.
                bounce(StanzaError(.forbidden))
                return true
            }
            try await handleArchive(key.type, payload: payload)
        case (_, XMPPNamespace.privateXML):
            guard key.target == .ownAccount else {
                bounce(StanzaError(.forbidden))
                return true
            }
            try await handlePrivate(key.type, payload: payload)
        default:
            return false
        }
        return true
    }

    /// An `iq type='result'` to the sender, with `payload` if given.
    mutating func replyResult(_ payload: XMLElement? = nil) {
        var result = XMLElement("iq", namespace: XMPPNamespace.client, attributes: ["type": "result"])
        if let id = stanza.id { result[attribute: "id"] = id }
        result[attribute: "from"] = stanza[attribute: "to"] ?? sender.bare.description
        if let payload { result.append(payload) }
        reply(result)
    }
}
