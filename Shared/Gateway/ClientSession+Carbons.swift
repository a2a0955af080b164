import Cluster
import XMPPCore

/// XEP-0280 §4: enabling and disabling message carbons for this session.
extension ClientSession {
    /// Records the setting in the session's registry record, where the routers
    /// read it, and answers the IQ. Stanzas queued before the toggle are
    /// routed first, under the setting they were sent with.
    func toggleCarbons(_ enable: Bool, request: XMLElement, jid: JID) async {
        guard var record else { return }
        await flushRoutes()
        if record.carbons != enable {
            record.carbons = enable
            do {
                try await environment.registry.update(jid, record: record)
            } catch {
                logger.warning("could not record the carbons setting", metadata: ["error": "\(error)"])
                let error = StanzaError(.internalServerError, type: .wait, text: "the cluster is unavailable, try again")
                if let reply = request.errorReply(error) { enqueue(reply) }
                return
            }
            self.record = record
        }
        enqueue(MessageCarbonsToggle.result(to: request, sender: jid))
    }
}
