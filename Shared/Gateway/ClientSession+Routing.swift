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
        if let enable = MessageCarbonsToggle.requested(by: stanza, sender: jid) {
            await toggleCarbons(enable, request: stanza, jid: jid)
            return
        }
        let wasAvailable = record.available
        if let updated = SessionPresenceTracking.apply(stanza, to: record), updated != record {
            // The routers must find the record as this stanza left it, and the
            // stanzas before it routed first.
            await flushRoutes()
            record = updated
            self.record = updated
            do {
                try await environment.registry.update(jid, record: updated)
            } catch {
                logger.warning("could not update the session record", metadata: ["error": "\(error)"])
            }
        }
        let initial = !wasAvailable && record.available && stanza.name == "presence"
        routeQueue.append(RouteQueue.Submission(stanza: stanza, sender: jid, initialPresence: initial))
        // Sent at the end of the event (`handle`), or of the chunk when the
        // reader batches events, or before any other output.
        if routeQueue.count >= Self.maxQueuedRoutes { await flushRoutes() }
    }

    /// At most this many stanzas wait to be handed to the routers together.
    static let maxQueuedRoutes = 64

    /// Hands the queued stanzas to the routers in one round trip, in order.
    /// Those Redis did not take are answered with an error rather than
    /// dropped silently; whatever is waiting to be written goes out.
    public func flushRoutes() async {
        guard !routeQueue.isEmpty else { return }
        let queued = routeQueue
        routeQueue = []
        if let backlog = environment.routeBacklog, let sender = queued.first?.sender {
            // The routers are behind on this sender's partition: wait, reading
            // nothing more from the client meanwhile (issue #16).
            await backlog.waitForRoom(partition: environment.routes.partition(for: sender))
        }
        // The handled count of a managed stream rides along (XEP-0198 §4).
        let alongWith = management.map { [environment.resumption.saveInboundCommand($0, handled: negotiation.handledInbound ?? 0)] }
        let outcomes = await environment.routes.submit(queued, alongWith: alongWith ?? [])
        for (submission, outcome) in zip(queued, outcomes) {
            switch outcome {
            case .success:
                GatewayMetrics.stanzaRouted(kind: submission.stanza.name)
            case .failure(let error):
                logger.warning("could not hand a stanza to the routers", metadata: ["error": "\(error)"])
                let error = StanzaError(.internalServerError, type: .wait, text: "the cluster is unavailable, try again")
                if let reply = submission.stanza.errorReply(error) { enqueue(reply) }
            }
        }
        await flush()
    }
}
