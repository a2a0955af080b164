import Cluster
import Gateway
import XMPPCore

/// RFC 6121 §8.5: where a message to a local user goes.
extension RoutingPass {
    mutating func routeMessage(to target: JID) async throws {
        guard entry.undelivered == nil else {
            // Handed back by a gateway whose session went away: it was stamped,
            // copied and archived when first routed. An archive query result
            // matters to the session that asked only.
            guard !ArchivePolicy.isQueryResult(stanza) else { return }
            _ = try await deliverMessage(stanza, to: target)
            return
        }
        let archiving = archivingPlan(to: target)
        let accepted = try await deliverMessage(MessageCarbons.removingPrivate(from: archiving.delivered), to: target)
        await copyToCarbons(received: archiving.delivered, sent: archiving.sentCopy(accepted: accepted), target: target)
        if accepted { archive(archiving, to: target) }
    }

    /// Delivers `message`; true when a session got it or storage keeps it for
    /// later (accepted for delivery), false when it was dropped or bounced.
    private mutating func deliverMessage(_ message: XMLElement, to target: JID) async throws -> Bool {
        let type = message.messageType ?? .normal
        let sessions = await self.sessions(of: target)
        if let resource = target.resourcepart {
            // §8.5.3.1: a connected resource gets it, unless it just proved gone.
            if entry.undelivered != target, let record = sessions[resource] {
                outbox.deliver(message, to: target, node: record.node)
                return true
            }
            // §8.5.3.2.1: no such resource.
            switch type {
            case .normal, .chat:
                return try await routeMessageToBare(message, to: target.bare, sessions: sessions, excluding: resource)
            case .groupchat:
                bounce(StanzaError(.serviceUnavailable))
            case .headline, .error:
                break  // silently ignored
            }
            return false
        }
        return try await routeMessageToBare(message, to: target, sessions: sessions, excluding: nil)
    }

    /// §8.5.2: a message to the bare JID of an account.
    private mutating func routeMessageToBare(
        _ message: XMLElement, to user: JID, sessions: [String: SessionRecord], excluding gone: String?
    ) async throws -> Bool {
        let candidates = sessions.filter { $0.key != gone && $0.value.available && $0.value.priority >= 0 }
        switch message.messageType ?? .normal {
        case .groupchat:
            // §8.5.2.1.1: groupchat to a bare JID is an error.
            bounce(StanzaError(.serviceUnavailable))
            return false
        case .error:
            // An error to a bare JID is delivered to nobody (no loops).
            return false
        case .headline:
            // §8.5.2.1.1: every available resource of non-negative priority, or nobody.
            deliver(message, to: user, sessions: candidates.sorted { $0.key < $1.key })
            return !candidates.isEmpty
        case .chat, .normal:
            // §8.5.2.1.1: the resources of highest priority (Trellis: all of them
            // when several share it, see docs/routing.md).
            if let top = candidates.values.map(\.priority).max() {
                deliver(message, to: user, sessions: candidates.filter { $0.value.priority == top }.sorted { $0.key < $1.key })
                return true
            }
            return try await storeOffline(message, for: user)
        }
    }

    /// XEP-0160: no available resource; keep the message for the next login.
    /// Unknown account or full box: `service-unavailable` (RFC 6121 §8.5.2.2.1,
    /// §8.5.2.1.1), which also hides whether the account exists. When storage
    /// does not answer in time the request stays queued in its stream and is
    /// stored when storage is back, so nothing is bounced (design.md, "Storage
    /// down"). True when the message is (or will be) stored.
    private mutating func storeOffline(_ message: XMLElement, for user: JID) async throws -> Bool {
        var message = message
        message[attribute: "to"] = user.bare.description
        do {
            _ = try await storage(.offlineStore, ["user": user.bare.description, "xml": StanzaWire.encode(message)])
            return true
        } catch StorageCallError.timedOut {
            return true
        } catch StorageCallError.refused(let error) {
            switch error.condition {
            case .internalServerError, .badRequest: bounce(error)
            default: bounce(StanzaError(.serviceUnavailable))
            }
            return false
        }
    }
}
