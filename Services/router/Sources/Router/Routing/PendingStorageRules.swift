import XMPPCore

// Temporary: the storage-backed rules land with the storage client.
extension RoutingPass {
    mutating func handleRoster(_ type: IQType, payload: XMLElement) async throws { bounce(StanzaError(.serviceUnavailable)) }
    mutating func handleVCard(_ key: IQHandlerKey, payload: XMLElement, target: JID) async throws { bounce(StanzaError(.serviceUnavailable)) }
    mutating func handlePrivate(_ type: IQType, payload: XMLElement) async throws { bounce(StanzaError(.serviceUnavailable)) }
    mutating func routeSubscription(to contact: JID) async throws {}
}
