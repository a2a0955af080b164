import Cluster
import ClusterIO
import Gateway
import XMPPCore

/// RFC 6121 §4: presence broadcast, probes, directed presence, and the
/// subscription stanzas (§3, in SubscriptionRouting.swift).
extension RoutingPass {
    mutating func routePresence(to target: JID?) async throws {
        switch stanza[attribute: "type"] {
        case nil, "unavailable":
            if let target {
                directPresence(to: target, sessions: await sessions(of: target))
                rememberDirectedPresence(to: target)
            } else {
                try await broadcastPresence()
            }
        case "probe":
            // §4.3: clients may probe a contact they are subscribed to.
            if let target { try await answerProbe(for: target) }
        case "subscribe", "subscribed", "unsubscribe", "unsubscribed":
            if let target, target.localpart != nil { try await routeSubscription(to: target.bare) }
        case "error":
            if let target { directPresence(to: target, sessions: await sessions(of: target)) }
        default:
            bounce(StanzaError(.badRequest, text: "unknown presence type"))
        }
    }

    /// §4.6.2 / §4.6.3: remember whom the session sent directed available
    /// presence to (not its own account), forget on directed unavailable.
    mutating func rememberDirectedPresence(to target: JID) {
        guard target.bare != sender.bare, target.localpart != nil else { return }
        if stanza[attribute: "type"] == nil {
            outbox.record(.directedPresenceSent(sender: sender, recipient: target))
        } else {
            outbox.record(.directedPresenceWithdrawn(sender: sender, recipient: target))
        }
    }

    /// §4.6: directed presence to a full JID reaches that session; to a bare JID,
    /// every available session.
    mutating func directPresence(to target: JID, sessions: [String: SessionRecord]) {
        for (full, record) in Self.sessionsReached(by: target, among: sessions) {
            outbox.deliver(stanza, to: full, node: record.node)
        }
    }

    /// The sessions, among `target`'s, that a presence addressed to `target`
    /// reaches (§4.6): that session for a full JID, every available one (in a
    /// stable order) for a bare JID.
    static func sessionsReached(by target: JID, among sessions: [String: SessionRecord]) -> [(JID, SessionRecord)] {
        if let resource = target.resourcepart {
            return sessions[resource].map { [(target, $0)] } ?? []
        }
        return available(in: sessions).compactMap { resource, record in
            (try? target.bare.with(resource: resource)).map { ($0, record) }
        }
    }

    /// §4.2.2 / §4.4.2 / §4.5.2: broadcast to every contact subscribed to the
    /// user (`from`, `both`) and to the user's own available resources; after
    /// initial presence also the probes' answers (§4.3.2), pending subscription
    /// requests (§3.1.3) and offline messages (XEP-0160).
    mutating func broadcastPresence() async throws {
        let roster: [RosterContact]
        do {
            roster = try await context.roster(of: sender.bare)
        } catch is StorageCallError {
            roster = []  // storage is away: the user's own resources still hear it
        }
        let initial = entry.initialPresence && stanza[attribute: "type"] == nil
        await readAhead(accountsOf: [sender.bare] + roster.filter {
            $0.state.contactSeesUser || (initial && $0.state.userSeesContact)
        }.map(\.jid))
        for contact in roster where contact.state.contactSeesUser {
            deliver(stanza, to: contact.jid, sessions: await availableSessions(of: contact.jid))
        }
        if stanza[attribute: "type"] == "unavailable" {
            // §4.6.3: whoever got directed presence hears that the session left.
            let subscribers = Set(roster.filter { $0.state.contactSeesUser }.map(\.jid))
            for recipient in (try? await context.directedPresenceRecipients(of: sender)) ?? [] {
                guard !subscribers.contains(recipient.bare), recipient.bare != sender.bare else { continue }
                directPresence(to: recipient, sessions: await sessions(of: recipient))
            }
            outbox.record(.directedPresenceCleared(sender: sender))
        }
        deliver(stanza, to: sender.bare, sessions: await availableSessions(of: sender.bare))

        guard initial else { return }
        for contact in roster where contact.state.userSeesContact {
            await sendPresences(of: contact.jid)
        }
        // Storage is asked only for what its flags say waits (XEP-0160,
        // RFC 6121 §3.1.3); when storage is slow it comes with the next login.
        let waiting = try await context.waitingAtLogin(for: sender.bare)
        var pending: [JID] = []
        if waiting.pending {
            do {
                pending = try await context.pendingSubscriptionRequests(to: sender.bare)
            } catch is StorageCallError {
                pending = []
            }
        }
        for contact in pending {
            var request = XMLElement("presence", namespace: XMPPNamespace.client, attributes: ["type": "subscribe"])
            request[attribute: "from"] = contact.bare.description
            reply(request)
        }
        if waiting.offline, (stanza.priority ?? 0) >= 0 { try await deliverOfflineMessages() }
    }

    /// The last available presence of each of `contact`'s sessions, to the sender.
    mutating func sendPresences(of contact: JID) async {
        let sessions = await self.sessions(of: contact)
        for (resource, record) in sessions.sorted(by: { $0.key < $1.key }) {
            guard let presence = Self.lastPresence(of: contact, resource: resource, record: record) else { continue }
            reply(presence)
        }
    }

    /// The last presence a session broadcast, from its full JID, as probes are
    /// answered (§4.3.2); `nil` when the session is not available.
    static func lastPresence(of user: JID, resource: String, record: SessionRecord) -> XMLElement? {
        guard record.available, let text = record.presence, var presence = StanzaWire.decode(text),
            let full = try? user.bare.with(resource: resource)
        else { return nil }
        presence[attribute: "from"] = full.description
        return presence
    }

    /// `<presence type='unavailable'/>` from `full`.
    static func unavailablePresence(from full: JID) -> XMLElement {
        XMLElement("presence", namespace: XMPPNamespace.client, attributes: ["type": "unavailable", "from": full.description])
    }

    /// A probe from the user: answered only for contacts the user may see.
    mutating func answerProbe(for target: JID) async throws {
        let roster = (try? await context.roster(of: sender.bare)) ?? []
        guard roster.contains(where: { $0.jid == target.bare && $0.state.userSeesContact }) else { return }
        await sendPresences(of: target)
    }

    /// XEP-0160 §4: messages stored while the user was away, handed over and
    /// deleted by storage in one step, delivered to the resource that came online.
    mutating func deliverOfflineMessages() async throws {
        let result: [String: StorageValue]
        do {
            result = try await storage(.offlineTake, ["user": sender.bare.description])
        } catch is StorageCallError {
            return  // storage is away: they stay stored until the next login
        }
        for value in result["messages"]?.list ?? [] {
            guard let stored = OfflineMessage(storageValue: value), var message = StanzaWire.decode(stored.xml) else { continue }
            // XEP-0203: when the server received it.
            message.append(XMLElement(
                "delay", namespace: XMPPNamespace.delay,
                attributes: ["from": sender.domainpart, "stamp": XMPPDateTime.string(milliseconds: stored.storedAtMilliseconds)]))
            reply(message)
        }
    }
}
