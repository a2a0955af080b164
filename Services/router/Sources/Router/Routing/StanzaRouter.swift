import Cluster
import XMPPCore

/// The entry point of routing: validates the stanza, then hands it to the rule
/// for its kind and address (Prosody's `message/bare`, `iq/host`, … events).
/// Anything no rule takes gets `service-unavailable` (RFC 6120 §10.5.4).
extension RoutingPass {
    /// Routes the entry. Throws only when a part of the cluster it needs is
    /// unreachable; the worker then leaves the entry to be routed again.
    public mutating func route() async throws {
        try await dispatch()
        await withholdBlockedDeliveries()
    }

    private mutating func dispatch() async throws {
        guard let kind = stanza.stanzaKind else { return }
        await resolveSenderNode()
        // RFC 6120 §8.1.1.1: no `to` means the sender's own account.
        let target: JID
        switch entry.addressee {
        case .jid(let parsed):
            target = parsed
        case .absent:
            target = sender.bare
        case .malformed:
            bounce(StanzaError(.jidMalformed))
            return
        }
        // XEP-0191 §3.3: what the user addresses to a JID they blocked goes nowhere.
        if await stopsAtSendersBlockList(to: target) { return }
        // RFC 6120 §10.4: no s2s yet, so every other domain is unreachable.
        guard context.domains.contains(target.domainpart) else {
            if kind != .presence { bounce(StanzaError(.remoteServerNotFound)) }
            return
        }
        // XEP-0191 §3.3: what a JID the addressee blocked sends never reaches them.
        if await stopsAtAddresseesBlockList(target) { return }
        switch kind {
        case .message:
            if target.localpart == nil {
                // §10.3: a message to the server itself; none is handled yet.
                if stanza.messageType != .error, stanza.messageType != .headline { bounce(StanzaError(.serviceUnavailable)) }
            } else {
                try await routeMessage(to: target)
            }
        case .presence:
            try await routePresence(to: stanza[attribute: "to"] == nil ? nil : target)
        case .iq:
            try await routeIQ(to: target)
        }
    }
}
