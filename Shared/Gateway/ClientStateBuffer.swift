import Cluster
import XMPPCore

/// XEP-0352 client state indication, as a gateway applies it to what it
/// delivers to one session: while the client says nobody is looking
/// (`<inactive/>`), presence updates of contacts (available and unavailable
/// presence, RFC 6121 §4) are held back, only the latest one per sender kept;
/// everything else — messages, IQs, subscription requests, errors — goes out at
/// once. On `<active/>` the held presences go out, in the order their senders
/// first appeared (docs/client-features.md).
///
/// Pure: no I/O, no locks; `SessionEndpoint` owns one under its lock.
public struct ClientStateBuffer: Sendable {
    public private(set) var isActive = true
    /// Held presence wires by their `from`, and the order senders first appeared in.
    private var held: [String: String] = [:]
    private var senders: [String] = []
    /// At most this many senders are held; one more sends everything held, so
    /// an inactive session's memory stays bounded whatever its roster size.
    public let capacity: Int

    public init(capacity: Int = 1000) {
        self.capacity = capacity
    }

    public var heldCount: Int { held.count }

    /// Of `wires` (stanzas in their wire form, in delivery order), the ones to
    /// write now, in order; the others are held.
    public mutating func pass(_ wires: [String]) -> [String] {
        guard !isActive else { return wires }
        var now: [String] = []
        for wire in wires {
            guard let sender = Self.heldPresenceSender(wire) else {
                now.append(wire)
                continue
            }
            if held.updateValue(wire, forKey: sender) == nil { senders.append(sender) }
        }
        if held.count > capacity { return takeHeld() + now }
        return now
    }

    /// The client sent `<inactive/>`.
    public mutating func becameInactive() {
        isActive = false
    }

    /// The client sent `<active/>`: what was held, to write now.
    public mutating func becameActive() -> [String] {
        isActive = true
        return takeHeld()
    }

    private mutating func takeHeld() -> [String] {
        let wires = senders.compactMap { held[$0] }
        held = [:]
        senders = []
        return wires
    }

    /// The sender of a presence update that may wait, or `nil` for anything
    /// that must go out now (not a presence, or a subscription or error
    /// presence, which a person has to see or answer).
    static func heldPresenceSender(_ wire: String) -> String? {
        guard wire.hasPrefix("<presence"), let presence = StanzaWire.decode(wire) else { return nil }
        switch presence[attribute: "type"] {
        case nil, "unavailable": return presence[attribute: "from"]
        default: return nil
        }
    }
}
