import Cluster
import XMPPCore

/// RFC 6120 §8.2.3 and §10.3–10.5 for IQs: the server answers requests
/// addressed to itself or to an account (on the account's behalf); requests to
/// a full JID go to that session.
extension RoutingPass {
    mutating func routeIQ(to target: JID) async throws {
        guard let type = stanza.iqType else {
            bounce(StanzaError(.badRequest, text: "missing or unknown iq type"))
            return
        }
        if target.resourcepart != nil {
            try await routeIQToFullJID(target, type: type)
            return
        }
        // Results and errors addressed to the server or an account end here.
        guard type.isRequest else { return }
        // RFC 6120 §8.2.3: a get or set has exactly one child.
        let payloads = stanza.elements
        guard payloads.count == 1, let payload = payloads.first else {
            bounce(StanzaError(.badRequest, text: "an iq get or set carries exactly one child element"))
            return
        }
        let handlerKey = IQHandlerKey(type: type, target: addressee(of: target), namespace: payload.namespace ?? "")
        if try await handleServerIQ(handlerKey, payload: payload, target: target) { return }
        bounce(StanzaError(.serviceUnavailable))
    }

    /// §8.5.3.1 / §8.5.3.2.1 for an IQ to a full JID.
    mutating func routeIQToFullJID(_ target: JID, type: IQType) async throws {
        let sessions = await self.sessions(of: target)
        if entry.undelivered != target, let resource = target.resourcepart, let record = sessions[resource] {
            outbox.deliver(stanza, to: target, node: record.node)
        } else if type.isRequest {
            bounce(StanzaError(.serviceUnavailable))
        }
    }

    /// Whom an IQ without a resource is for, from the sender's point of view.
    func addressee(of target: JID) -> IQHandlerKey.Addressee {
        if target.localpart == nil { return .host }
        return target.bare == sender.bare ? .ownAccount : .otherAccount
    }
}

/// The Prosody-style key a server-handled IQ is dispatched on:
/// `iq-get/host/urn:xmpp:ping`, `iq-set/self/jabber:iq:roster`.
public struct IQHandlerKey: Sendable, Hashable, CustomStringConvertible {
    public enum Addressee: String, Sendable, Hashable {
        /// The server's domain.
        case host
        /// The sender's own bare JID (or no `to`).
        case ownAccount = "self"
        /// Another account's bare JID.
        case otherAccount = "bare"
    }

    public var type: IQType
    public var target: Addressee
    public var namespace: String

    public var description: String { "iq-\(type.rawValue)/\(target.rawValue)/\(namespace)" }
}
