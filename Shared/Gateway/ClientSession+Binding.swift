import Cluster
import Logging
import XMPPCore
import XMPPStream

/// Resource binding (RFC 6120 §7) in the cluster's session registry.
extension ClientSession {
    // MARK: Binding

    func bind(_ requested: String?) async -> [ClientStreamNegotiation.Output] {
        guard let username, let domain = negotiation.domain else { return negotiation.bindFailed(type: "cancel", condition: "not-allowed") }
        let resource = requested ?? "trellis-" + ClientSession.makeStreamID().prefix(8)
        guard let jid = try? JID(localpart: username, domainpart: domain, resourcepart: resource) else {
            return negotiation.bindFailed(type: "modify", condition: "bad-request")
        }
        let record = SessionRecord(node: environment.node.rawValue, session: streamID)
        let outcome: SessionRegistry.BindOutcome
        do {
            outcome = try await environment.registry.bind(jid, record: record, maxResources: environment.maxResourcesPerAccount)
        } catch {
            logger.warning("could not bind: registry unavailable", metadata: ["error": "\(error)"])
            return negotiation.bindFailed(type: "wait", condition: "internal-server-error")
        }
        switch outcome {
        case .resourceConstraint:
            return negotiation.bindFailed(type: "wait", condition: "resource-constraint")
        case .replaced(let old):
            await closeReplaced(old, jid: jid)
        case .bound:
            break
        }
        let endpoint = SessionEndpoint(
            sessionID: streamID, transport: transport, registration: SessionRegistration(jid: jid, record: record),
            resumption: environment.resumption, node: environment.node)
        environment.sessions.add(endpoint, jid: jid.description)
        self.endpoint = endpoint
        self.record = record
        boundJID = jid
        logger[metadataKey: "jid"] = .string(jid.description)
        logger.info("session bound")
        return negotiation.bindSucceeded(fullJID: jid.description)
    }

    /// RFC 6120 §7.7.2.2: the new session wins; the old one gets `<conflict/>`.
    func closeReplaced(_ old: SessionRecord, jid: JID) async {
        if old.node == environment.node.rawValue {
            if let target = environment.sessions.target(for: jid.description), target.sessionID == old.session {
                await target.close(with: .conflict)
            }
            return
        }
        guard let node = NodeID(old.node) else { return }
        do {
            try await environment.redis.deliver(
                .close(to: jid.description, session: old.session, condition: .conflict), to: node, keys: environment.keys)
        } catch {
            logger.warning("could not tell the replaced session to close", metadata: ["error": "\(error)"])
        }
    }
}
