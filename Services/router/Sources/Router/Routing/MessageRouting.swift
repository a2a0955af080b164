import Cluster
import Gateway
import XMPPCore

/// RFC 6121 §8.5: where a message to a local user goes.
extension RoutingPass {
    mutating func routeMessage(to target: JID) async throws {
        try await deliverMessage(to: target)
        await copyToCarbons(stanza, target: target)
    }

    private mutating func deliverMessage(to target: JID) async throws {
        let type = stanza.messageType ?? .normal
        let sessions = await self.sessions(of: target)
        if let resource = target.resourcepart {
            // §8.5.3.1: a connected resource gets it, unless it just proved gone.
            if entry.undelivered != target, let record = sessions[resource] {
                outbox.deliver(stanza, to: target, node: record.node)
                return
            }
            // §8.5.3.2.1: no such resource.
            switch type {
            case .normal, .chat:
                try await routeMessageToBare(target.bare, type: type, sessions: sessions, excluding: resource)
            case .groupchat:
                bounce(StanzaError(.serviceUnavailable))
            case .headline, .error:
                break  // silently ignored
            }
            return
        }
        try await routeMessageToBare(target, type: type, sessions: sessions, excluding: nil)
    }

    /// §8.5.2: a message to the bare JID of an account.
    mutating func routeMessageToBare(
        _ user: JID, type: MessageType, sessions: [String: SessionRecord], excluding gone: String?
    ) async throws {
        let candidates = sessions.filter { $0.key != gone && $0.value.available && $0.value.priority >= 0 }
        switch type {
        case .groupchat:
            // §8.5.2.1.1: groupchat to a bare JID is an error.
            bounce(StanzaError(.serviceUnavailable))
            return
        case .error:
            // An error to a bare JID is delivered to nobody (no loops).
            return
        case .headline:
            // §8.5.2.1.1: every available resource of non-negative priority, or nobody.
            deliver(stanza, to: user, sessions: candidates.sorted { $0.key < $1.key })
            return
        case .chat, .normal:
            // §8.5.2.1.1: the resources of highest priority (Trellis: all of them
            // when several share it, see docs/routing.md).
            if let top = candidates.values.map(\.priority).max() {
                deliver(stanza, to: user, sessions: candidates.filter { $0.value.priority == top }.sorted { $0.key < $1.key })
                return
            }
            try await storeOffline(for: user)
        }
    }

    /// XEP-0160: no available resource; keep the message for the next login.
    /// Unknown account or full box: `service-unavailable` (RFC 6121 §8.5.2.2.1,
    /// §8.5.2.1.1), which also hides whether the account exists. When storage
    /// does not answer in time the request stays queued in its stream and is
    /// stored when storage is back, so nothing is bounced (design.md, "Storage
    /// down").
    mutating func storeOffline(for user: JID) async throws {
        var message = stanza
        message[attribute: "to"] = user.bare.description
        do {
            _ = try await storage(.offlineStore, ["user": user.bare.description, "xml": StanzaWire.encode(message)])
        } catch StorageCallError.timedOut {
            return
        } catch StorageCallError.refused(let error) {
            switch error.condition {
            case .internalServerError, .badRequest: bounce(error)
            default: bounce(StanzaError(.serviceUnavailable))
            }
        }
    }
}
