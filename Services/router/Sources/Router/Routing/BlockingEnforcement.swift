import XMPPCore

/// XEP-0191 §3.3, both ways. At the address a stanza names, with the XEP's
/// answers: what the user sends to a JID they blocked is refused with
/// `<not-acceptable/><blocked/>`; what a blocked JID sends them is dropped or
/// answered as an unavailable account would be. Then on every delivery a pass
/// produced, silently: a presence broadcast, the answers to probes, offline
/// messages, pending subscription requests — whatever the rules fanned out —
/// never crosses a block in either direction.
///
/// The block lists come from the batch's read (`AccountLookups`): checking
/// costs no round trip of its own.
extension RoutingPass {
    /// A block never stands between the resources of one account (XEP-0191 §5:
    /// an implementation MUST NOT block them from each other), nor between a
    /// user and the server itself (a domain JID this cluster serves), whose
    /// answers to the user's own requests must get through.
    func blockingApplies(between one: JID, and other: JID) -> Bool {
        one.bare != other.bare && !isServer(one) && !isServer(other)
    }

    private func isServer(_ jid: JID) -> Bool {
        jid.localpart == nil && context.domains.contains(jid.domainpart)
    }

    /// The sender blocked `target`: the stanza is refused or dropped
    /// (`BlockedStanzaHandling.outbound`). Returns whether it was stopped.
    mutating func stopsAtSendersBlockList(to target: JID) async -> Bool {
        guard blockingApplies(between: sender, and: target), await blockList(of: sender).blocks(target) else { return false }
        carryOut(BlockedStanzaHandling.outbound(stanza))
        return true
    }

    /// The account `target` names blocked the sender: the stanza is dropped or
    /// answered `service-unavailable` (`BlockedStanzaHandling.inbound`).
    /// Returns whether it was stopped.
    mutating func stopsAtAddresseesBlockList(_ target: JID) async -> Bool {
        guard target.localpart != nil, blockingApplies(between: sender, and: target),
            await blockList(of: target).blocks(sender)
        else { return false }
        carryOut(BlockedStanzaHandling.inbound(stanza))
        return true
    }

    private mutating func carryOut(_ handling: BlockedStanzaHandling) {
        if case .bounce(let error) = handling { bounce(error) }
    }

    /// Withholds every screened delivery whose recipient's account blocked
    /// its `from`, or whose `from` account blocked its recipient. Reads the
    /// lists the batch has not read yet in one call; when every list
    /// concerned is empty (nearly always) nothing more is done.
    mutating func withholdBlockedDeliveries() async {
        guard !outbox.isEmpty else { return }
        var parsed = [sender.description: sender, sender.bare.description: sender.bare]
        var senders: [Int: JID] = [:]
        var accounts: Set<JID> = []
        for (index, outgoing) in outbox.outgoing.enumerated() where outgoing.screened {
            guard case .stanza(_, let stanza) = outgoing.delivery, let text = stanza[attribute: "from"] else { continue }
            if parsed[text] == nil { parsed[text] = try? JID(text) }
            guard let from = parsed[text], blockingApplies(between: from, and: outgoing.recipient) else { continue }
            senders[index] = from
            accounts.insert(outgoing.recipient.bare)
            if from.localpart != nil, context.domains.contains(from.domainpart) { accounts.insert(from.bare) }
        }
        guard !senders.isEmpty else { return }
        await lookups.readAhead(sessionsOf: [], blockListsOf: Array(accounts), context: context)
        var lists: [JID: BlockList] = [:]
        for account in accounts { lists[account] = await blockList(of: account) }
        guard lists.values.contains(where: { !$0.isEmpty }) else { return }
        var withheld: Set<Int> = []
        for (index, from) in senders {
            let recipient = outbox.outgoing[index].recipient
            if lists[recipient.bare]?.blocks(from) == true || lists[from.bare]?.blocks(recipient) == true {
                withheld.insert(index)
            }
        }
        outbox.withhold(at: withheld)
    }
}
