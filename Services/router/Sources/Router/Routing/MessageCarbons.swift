import Cluster
import Gateway
import XMPPCore

/// XEP-0280 message carbons: which messages are copied, and the copies.
public enum MessageCarbons {
    public enum Direction: String, Sendable {
        /// §6: a copy of a message the user received on another resource.
        case received
        /// §7: a copy of a message the user sent from another resource.
        case sent
    }

    /// §5 (the suggested rules) and §8: chat messages, and normal messages with
    /// a body, unless the sender asked for no copies (`<private/>`, or the
    /// XEP-0334 `<no-copy/>` hint). A message that already carries a carbon is
    /// never copied again.
    public static func isEligible(_ message: XMLElement) -> Bool {
        guard message.name == "message" else { return false }
        switch message.messageType ?? .normal {
        case .chat:
            break
        case .normal:
            guard message.firstChild(named: "body", namespace: message.namespace) != nil else { return false }
        case .groupchat, .headline, .error:
            return false
        }
        for child in message.elements {
            switch (child.namespace, child.name) {
            case (XMPPNamespace.carbons, _), (XMPPNamespace.hints, "no-copy"): return false
            default: continue
            }
        }
        return true
    }

    /// `message` without `<private xmlns='urn:xmpp:carbons:2'/>`: §9, the
    /// receiving server "SHOULD remove the <private/> element before
    /// delivering to the recipient" (it is an instruction to servers, not
    /// to the recipient). Call it after deciding about copies.
    public static func removingPrivate(from message: XMLElement) -> XMLElement {
        message.removingChildElements { $0.name == "private" && $0.namespace == XMPPNamespace.carbons }
    }

    /// `message` wrapped for a resource of `owner` (§6, §7): from the owner's
    /// bare JID, of the original's type, the original inside
    /// `<received|sent><forwarded/></received|sent>` (XEP-0297).
    public static func copy(of message: XMLElement, direction: Direction, owner: JID) -> XMLElement {
        let forwarded = XMLElement(name: "forwarded", namespace: XMPPNamespace.forward, children: [.element(message)])
        let wrapper = XMLElement(name: direction.rawValue, namespace: XMPPNamespace.carbons, children: [.element(forwarded)])
        var copy = XMLElement(name: "message", namespace: XMPPNamespace.client)
        copy[attribute: "from"] = owner.bare.description
        if let type = message[attribute: "type"] { copy[attribute: "type"] = type }
        copy.append(wrapper)
        return copy
    }
}

extension RoutingPass {
    /// After a message to `target` was routed: a `received` copy of the
    /// message as delivered for each carbons-enabled resource of the
    /// addressee that did not get it (§6), and a `sent` copy of `sent` for
    /// each of the sender's other carbons-enabled resources (§7). A message
    /// handed back by a gateway (`undelivered`) was copied when it was first
    /// routed, so it is not copied again.
    mutating func copyToCarbons(received message: XMLElement, sent: XMLElement, target: JID) async {
        guard entry.undelivered == nil, target.bare != sender.bare, MessageCarbons.isEligible(message) else { return }
        let delivered = Set(outbox.outgoing.map(\.delivery.to))
        let received = MessageCarbons.copy(of: message, direction: .received, owner: target)
        for (resource, record) in await sessions(of: target).sorted(by: { $0.key < $1.key }) where record.carbons {
            guard let full = try? target.with(resource: resource), !delivered.contains(full.description) else { continue }
            outbox.deliver(received, to: full, node: record.node)
        }
        let sentCopy = MessageCarbons.copy(of: sent, direction: .sent, owner: sender)
        for (resource, record) in await sessions(of: sender).sorted(by: { $0.key < $1.key })
        where record.carbons && resource != sender.resourcepart {
            guard let full = try? sender.with(resource: resource) else { continue }
            outbox.deliver(sentCopy, to: full, node: record.node)
        }
    }
}
