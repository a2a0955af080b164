import Cluster
import ClusterIO
import Gateway
import XMPPCore

/// RFC 6121 §3: subscription requests and answers between two local users.
/// Storage applies Appendix A to both users' states in one transaction and
/// says what follows (`SubscriptionOutcome`); the router carries it out.
extension RoutingPass {
    mutating func routeSubscription(to contact: JID) async throws {
        guard let type = stanza[attribute: "type"].flatMap(PresenceType.init(rawValue:)), contact != sender.bare else { return }
        // §3.1.2: subscription stanzas travel with the bare JID of the sender.
        var request = stanza
        request[attribute: "from"] = sender.bare.description
        request[attribute: "to"] = contact.description
        let outcome: SubscriptionOutcome
        do {
            let result = try await storage(
                .subscriptionApply,
                ["user": sender.bare.description, "contact": contact.description, "event": type.rawValue,
                 "direction": SubscriptionDirection.outbound.rawValue, "xml": StanzaWire.encode(request)])
            guard let parsed = SubscriptionOutcome(result: result) else { return }
            outcome = parsed
        } catch let error as StorageCallError {
            if case .refused = error { return }  // e.g. unknown contact: silently dropped (§3.1.3)
            bounce(error.stanzaError)
            return
        }
        for push in outcome.pushes { await pushRoster(push) }
        var contactSessions = await availableSessions(of: contact)
        if type == .subscribe, outcome.deliver, contactSessions.isEmpty {
            contactSessions = await sessionsAvailableAfterStoringRequest(of: contact)
        }
        if outcome.deliver {
            deliver(request, to: contact, sessions: contactSessions)
            switch type {
            case .subscribed:
                // §3.1.5: the contact now sees the user: send the user's current presence.
                for (resource, record) in await sessions(of: sender).sorted(by: { $0.key < $1.key }) {
                    guard let presence = Self.lastPresence(of: sender, resource: resource, record: record) else { continue }
                    deliver(presence, to: contact, sessions: contactSessions)
                }
            case .unsubscribed:
                // §3.2.3: the contact no longer sees the user.
                await sendUnavailable(from: sender.bare, to: contact, recipients: contactSessions)
            case .unsubscribe:
                // §3.3.3: the user no longer sees the contact.
                let own = await availableSessions(of: sender)
                await sendUnavailable(from: contact, to: sender.bare, recipients: own)
            default:
                break
            }
        }
        if outcome.autoReplySubscribed {
            // §3.4: pre-approved: the contact's server answers on its behalf.
            var subscribed = XMLElement("presence", namespace: XMPPNamespace.client, attributes: ["type": "subscribed"])
            subscribed[attribute: "from"] = contact.bare.description
            let own = await availableSessions(of: sender)
            deliver(subscribed, to: sender.bare, sessions: own)
            await sendPresences(of: contact)
        }
    }

    /// §3.1.3: a request for a contact with no available session is kept
    /// pending, and storage flags it (`waiting:{bare}`) before it answers; the
    /// contact's next initial presence delivers it. An initial presence routed
    /// meanwhile on the contact's own partition may have checked the flag just
    /// before storage set it, so this reads the registry again, past the
    /// batch's lookups and the account cache: the gateway marked that session
    /// available before it queued the presence, so the session shows here, and
    /// the request goes to it. A request that the login delivers too arrives
    /// twice, which clients take as one.
    func sessionsAvailableAfterStoringRequest(of contact: JID) async -> [(String, SessionRecord)] {
        guard let fresh = try? await context.sessions(of: contact.bare) else { return [] }
        lookups.store(AccountReads(sessions: [contact.bare: fresh]))
        return Self.available(in: fresh)
    }

    /// Unavailable presence from each available session of `user` to the
    /// `recipients` sessions of `recipient`.
    mutating func sendUnavailable(
        from user: JID, to recipient: JID, recipients: [(String, SessionRecord)], screened: Bool = true
    ) async {
        for (resource, record) in await sessions(of: user).sorted(by: { $0.key < $1.key }) where record.available {
            guard let full = try? user.bare.with(resource: resource) else { continue }
            deliver(Self.unavailablePresence(from: full), to: recipient, sessions: recipients, screened: screened)
        }
    }
}
