import Cluster
import Logging
import XMPPCore
import XMPPStream

/// XEP-0198 stream management for this session: enabling it, acknowledgements
/// both ways, resumption on any gateway node, and what happens when the
/// connection goes (docs/stream-management.md).
extension ClientSession {
    /// §3: the client asked for stream management on its bound session.
    func enableManagement(resume: Bool, requestedMaxSeconds: Int?) async {
        let configured = environment.streamManagementMaxSeconds
        guard let jid = boundJID, let endpoint, var record else { return }
        let maxSeconds = min(requestedMaxSeconds.flatMap { $0 > 0 ? $0 : nil } ?? configured, configured)
        let resumable = resume && maxSeconds > 0
        let managed = ManagedSession(
            jid: jid, id: ManagedSession.makeID(), session: streamID, resumable: resumable, maxSeconds: maxSeconds)
        do {
            try await environment.resumption.create(managed, node: environment.node)
            if resumable {
                // A sweeper that removes the record leaves it with the resumption state.
                record.resumption = managed.id
                try await environment.registry.update(jid, record: record)
                self.record = record
            }
        } catch {
            logger.warning("could not enable stream management", metadata: ["error": "\(error)"])
            pending += StreamManagementElements.failed(.internalServerError).serialized(in: .clientStream)
            return
        }
        await flush()
        negotiation.streamManagementStarted()
        management = managed
        let enabled = StreamManagementElements.enabled(id: resumable ? managed.id : nil, maxSeconds: resumable ? maxSeconds : nil)
        await endpoint.startManaging(managed, announcement: enabled.serialized(in: .clientStream))
        logger.debug("stream management enabled", metadata: ["resumable": "\(resumable)"])
    }

    /// §4: `<r/>`: the count answered is durable first, so a resumption never
    /// claims fewer stanzas than the client was told.
    func answerAcknowledgementRequest(handled: UInt32) async {
        if let management {
            do {
                try await environment.resumption.saveInbound(management, handled: handled)
            } catch {
                logger.warning("could not record the handled count", metadata: ["error": "\(error)"])
            }
        }
        pending += StreamManagementElements.answer(handled: handled).serialized(in: .clientStream)
    }

    /// §4: `<a/>`: what the client handled leaves the queue; a count beyond
    /// what was sent ends the stream (§4, `undefined-condition`).
    func acknowledgementReceived(_ handled: UInt32) async {
        guard let management else { return }
        endpoint?.acknowledgementReceived()
        do {
            if case .tooHigh(let sent) = try await environment.resumption.acknowledge(management, handled: handled) {
                await fail(
                    StreamError(
                        .undefinedCondition, text: "acknowledged more stanzas than were sent",
                        applicationCondition: StreamManagementElements.handledCountTooHigh(h: handled, sendCount: sent)))
            }
        } catch {
            logger.warning("could not record an acknowledgement", metadata: ["error": "\(error)"])
        }
    }

    /// §5: take over session `previd` of this account, wherever it was.
    func resume(previd: String, handled: UInt32) async {
        guard let username, let domain = negotiation.domain,
            let bare = try? JID(localpart: username, domainpart: domain)
        else { return await resumeFailed(.itemNotFound) }
        let jid: JID
        do {
            guard let found = try await environment.resumption.jid(bare: bare, id: previd) else {
                return await resumeFailed(.itemNotFound)
            }
            jid = found
        } catch {
            return await resumeFailed(.internalServerError)
        }
        let endpoint = SessionEndpoint(
            sessionID: streamID, transport: transport,
            registration: SessionRegistration(jid: jid, record: SessionRecord(node: environment.node.rawValue, session: streamID)),
            resumption: environment.resumption, node: environment.node)
        let previous = environment.sessions.target(for: jid.description)
        // Deliveries to the session wait until its backlog is written.
        let outcome: ResumptionStore.ResumeOutcome? = await endpoint.exclusively {
            environment.sessions.add(endpoint, jid: jid.description)
            let outcome: ResumptionStore.ResumeOutcome
            do {
                outcome = try await environment.resumption.resume(
                    jid: jid, id: previd, handled: handled, session: streamID, node: environment.node,
                    maxSeconds: environment.streamManagementMaxSeconds)
            } catch {
                logger.warning("could not resume a session", metadata: ["error": "\(error)"])
                endpoint.retire()
                return nil
            }
            guard case .resumed(let resumed) = outcome else {
                endpoint.retire()
                return outcome
            }
            let managed = ManagedSession(
                jid: jid, id: previd, session: streamID, resumable: true, maxSeconds: environment.streamManagementMaxSeconds)
            negotiation.resumeSucceeded(handledInbound: resumed.handledInbound)
            self.endpoint = endpoint
            boundJID = jid
            record = resumed.record
            management = managed
            await flush()
            let announcement = StreamManagementElements.resumed(previd: previd, handled: resumed.handledInbound)
                .serialized(in: .clientStream) + resumed.backlog.joined()
            await endpoint.startManaging(managed, announcement: announcement, backlog: !resumed.backlog.isEmpty)
            return outcome
        }
        guard case .resumed(let resumed)? = outcome else {
            if let previous { environment.sessions.add(previous, jid: jid.description) } else {
                environment.sessions.remove(jid: jid.description, sessionID: streamID)
            }
            switch outcome {
            case .tooHigh(let sent, let inbound)?:
                return await resumeFailed(
                    .undefinedCondition,
                    failure: StreamManagementElements.failed(
                        .undefinedCondition, handled: inbound, sendCount: sent, clientHandled: handled))
            case nil:
                return await resumeFailed(.internalServerError)
            default:
                return await resumeFailed(.itemNotFound)
            }
        }
        logger[metadataKey: "jid"] = .string(jid.description)
        logger.info(
            "session resumed",
            metadata: ["previous.node": "\(resumed.previousNode)", "backlog": "\(resumed.backlog.count)"])
        GatewayMetrics.resumptions.increment()
        if let previous, previous.sessionID == resumed.previousSession {
            await previous.close(with: .conflict)
        }
        if resumed.restored, let text = resumed.record.presence, var presence = StanzaWire.decode(text) {
            // The old node was swept and contacts saw the session go: it comes back.
            presence[attribute: "from"] = jid.description
            await route(presence)
        }
    }

    private func resumeFailed(_ condition: StanzaError.Condition, failure: XMLElement? = nil) async {
        logger.info("resumption refused", metadata: ["condition": "\(condition.rawValue)"])
        await carryOut(negotiation.resumeFailed(failure ?? StreamManagementElements.failed(condition)))
    }

    /// The connection is gone. Returns whether the session lives on detached
    /// (waiting for a resumption, or already taken over), so that it must not
    /// be ended here.
    func detachManagedSession() async -> Bool {
        guard let management, let endpoint, let jid = boundJID else { return false }
        endpoint.detach()
        let resumable = management.resumable && !endedForGood
        let outcome: ResumptionStore.DetachOutcome
        do {
            outcome = try await environment.resumption.detach(
                management, handled: negotiation.handledInbound ?? 0, resumable: resumable)
        } catch {
            logger.warning("could not detach the session; ending it", metadata: ["error": "\(error)"])
            return false
        }
        switch outcome {
        case .moved:
            environment.sessions.remove(jid: jid.description, sessionID: streamID)
            return true
        case .detached where resumable:
            logger.info("session detached, waiting for a resumption", metadata: ["max.seconds": "\(management.maxSeconds)"])
            return true
        case .detached, .gone:
            return false
        }
    }
}
