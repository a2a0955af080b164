import Cluster
import ClusterIO
import XMPPCore

/// Server-handled IQs backed by storage: the roster (RFC 6121 §2, XEP-0237),
/// vCards (XEP-0054) and private XML (XEP-0049).
extension RoutingPass {
    // MARK: Roster

    mutating func handleRoster(_ type: IQType, payload: XMLElement) async throws {
        let user = sender.bare.description
        switch type {
        case .get:
            do {
                let snapshot = try RosterSnapshot(result: await storage(.rosterGet, ["user": user]))
                guard let snapshot else { throw StorageCallError.refused(StanzaError(.internalServerError)) }
                // XEP-0237 §2.3: an unchanged roster is answered with an empty result.
                if let known = payload[attribute: "ver"], known == snapshot.versionString {
                    replyResult()
                    return
                }
                var query = XMLElement("query", namespace: XMPPNamespace.roster, attributes: ["ver": snapshot.versionString])
                for item in snapshot.items { query.append(item.element) }
                replyResult(query)
            } catch let error as StorageCallError {
                bounce(error.stanzaError)
            }
        case .set:
            // RFC 6121 §2.3.3: exactly one item.
            let items = payload.children(named: "item", namespace: XMPPNamespace.roster)
            guard items.count == 1, let item = items.first, let contact = item[attribute: "jid"].flatMap({ try? JID($0) }) else {
                bounce(StanzaError(.badRequest, text: "a roster set carries exactly one item with a valid jid"))
                return
            }
            do {
                let removing = item[attribute: "subscription"] == "remove"
                let result = removing
                    ? try await storage(.rosterRemoveItem, ["user": user, "contact": contact.bare.description])
                    : try await storage(.rosterSetItem, ["user": user, "xml": StanzaWire.encode(item)])
                guard let push = RosterPush(storageValue: .object(result)) else {
                    throw StorageCallError.refused(StanzaError(.internalServerError))
                }
                replyResult()
                await pushRoster(push)
                if removing { await cancelSubscriptions(removed: push.item) }
            } catch let error as StorageCallError {
                bounce(error.stanzaError)
            }
        default:
            break
        }
    }

    /// RFC 6121 §2.1.6: a roster push to every interested resource of the user.
    mutating func pushRoster(_ push: RosterPush) async {
        guard let user = try? JID(push.user) else { return }
        var query = XMLElement("query", namespace: XMPPNamespace.roster, attributes: ["ver": String(push.version)])
        query.append(push.element)
        let sessions = await self.sessions(of: user)
        for (resource, record) in sessions.sorted(by: { $0.key < $1.key }) where record.interested {
            guard let full = try? user.with(resource: resource) else { continue }
            self.push(query, to: full, node: record.node)
        }
    }

    /// A server push: an IQ set carrying `payload` to one session, with an id
    /// unique within the entry (roster pushes, XEP-0191 block list pushes).
    mutating func push(_ payload: XMLElement, to full: JID, node: String) {
        var iq = XMLElement("iq", namespace: XMPPNamespace.client, attributes: ["type": "set"])
        iq[attribute: "id"] = "push-\(entry.id)-\(outbox.outgoing.count)"
        iq.append(payload)
        outbox.deliver(iq, to: full, node: node)
    }

    /// RFC 6121 §2.5.2: removing an item cancels the subscriptions both ways.
    mutating func cancelSubscriptions(removed item: RosterItemRecord) async {
        guard let contact = try? JID(item.jid) else { return }
        let available = await availableSessions(of: contact)
        if item.subscription == .to || item.subscription == .both || item.ask {
            let unsubscribe = XMLElement("presence", namespace: XMPPNamespace.client, attributes: ["type": "unsubscribe", "from": sender.bare.description])
            deliver(unsubscribe, to: contact, sessions: available)
        }
        if item.subscription == .from || item.subscription == .both {
            let unsubscribed = XMLElement("presence", namespace: XMPPNamespace.client, attributes: ["type": "unsubscribed", "from": sender.bare.description])
            deliver(unsubscribed, to: contact, sessions: available)
            deliver(Self.unavailablePresence(from: sender), to: contact, sessions: available)
        }
    }

    // MARK: vCard

    mutating func handleVCard(_ key: IQHandlerKey, payload: XMLElement, target: JID) async throws {
        switch (key.type, key.target) {
        case (.get, .ownAccount), (.get, .otherAccount):
            do {
                let result = try await storage(.vcardGet, ["user": target.bare.description])
                let card = result["xml"]?.string.flatMap { try? XMLElement(parsing: $0) }
                    ?? XMLElement(name: "vCard", namespace: XMPPNamespace.vcard)
                var reply = XMLElement("iq", namespace: XMPPNamespace.client, attributes: ["type": "result"])
                if let id = stanza.id { reply[attribute: "id"] = id }
                if key.target == .otherAccount { reply[attribute: "from"] = target.bare.description }
                reply.append(card)
                self.reply(reply)
            } catch let error as StorageCallError {
                // XEP-0054 §3.1: an account without a vCard answers an empty one;
                // an unknown account `service-unavailable` (no presence leak).
                if case .refused(let refusal) = error, refusal.condition == .itemNotFound {
                    bounce(StanzaError(.serviceUnavailable))
                } else {
                    bounce(error.stanzaError)
                }
            }
        case (.set, .ownAccount):
            do {
                _ = try await storage(.vcardSet, ["user": sender.bare.description, "xml": StanzaWire.encode(payload)])
                replyResult()
            } catch let error as StorageCallError {
                bounce(error.stanzaError)
            }
        case (.set, _):
            bounce(StanzaError(.forbidden))
        default:
            bounce(StanzaError(.serviceUnavailable))
        }
    }

    // MARK: Private XML

    mutating func handlePrivate(_ type: IQType, payload: XMLElement) async throws {
        // XEP-0049 §2: exactly one child, whose namespace names the storage slot.
        let children = payload.elements
        guard children.count == 1, let child = children.first, let namespace = child.namespace, !namespace.isEmpty else {
            bounce(StanzaError(.notAcceptable))
            return
        }
        let user = sender.bare.description
        do {
            switch type {
            case .get:
                let result = try await storage(.privateGet, ["user": user, "ns": namespace])
                var query = XMLElement(name: "query", namespace: XMPPNamespace.privateXML)
                query.append(result["xml"]?.string.flatMap { try? XMLElement(parsing: $0) } ?? child)
                replyResult(query)
            case .set:
                _ = try await storage(.privateSet, ["user": user, "ns": namespace, "xml": StanzaWire.encode(child)])
                replyResult()
            default:
                break
            }
        } catch let error as StorageCallError {
            bounce(error.stanzaError)
        }
    }
}
