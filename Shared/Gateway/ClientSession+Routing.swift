import Cluster
import Logging
import XMPPCore
import XMPPStream

/// Stanzas of the established session: stamping, presence tracking, routing.
extension ClientSession {
    // MARK: Routing

    func route(_ element: XMLElement) async {
        guard let jid = boundJID, var record else { return }
        var stanza = element
        switch StanzaStamping.stamp(&stanza, sender: jid) {
        case .spoofed:
            await fail(StreamError(.invalidFrom, text: "from does not match the session's JID"))
            return
        case .stamped:
            break
        }
        let wasAvailable = record.available
        if let updated = SessionPresenceTracking.apply(stanza, to: record), updated != record {
            record = updated
            self.record = updated
            endpoint?.registration = SessionRegistration(jid: jid, record: updated)
            do {
                try await environment.registry.update(jid, record: updated)
            } catch {
                logger.warning("could not update the session record", metadata: ["error": "\(error)"])
            }
        }
        do {
            let initial = !wasAvailable && record.available && stanza.name == "presence"
            try await environment.routes.submit(stanza, from: jid, initialPresence: initial)
            GatewayMetrics.stanzaRouted(kind: stanza.name)
        } catch {
            // Not accepted: tell the sender rather than drop it silently.
            logger.warning("could not hand a stanza to the routers", metadata: ["error": "\(error)"])
            if let reply = stanza.errorReply(StanzaError(.internalServerError, type: .wait, text: "the cluster is unavailable, try again")) {
                pending += reply.serialized(in: .clientStream)
            }
        }
    }
}
