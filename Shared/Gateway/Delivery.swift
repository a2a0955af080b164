import Cluster
import Redis
import XMPPCore

/// One entry of a gateway's `deliver:{node}` stream (docs/redis-protocol.md,
/// "Out to the gateways").
public enum Delivery: Sendable, Hashable {
    /// Write this stanza to the session of full JID `to`.
    case stanza(to: String, XMLElement)
    /// Close the stream of `to` with this stream error, if it is still session
    /// `session` (a resource conflict, RFC 6120 §7.7.2.2, names the old session).
    case close(to: String, session: String, condition: StreamError.Condition)

    public var to: String {
        switch self {
        case .stanza(let to, _), .close(let to, _, _): to
        }
    }

    public var fields: [(String, String)] {
        switch self {
        case .stanza(let to, let stanza):
            [("kind", "stanza"), ("to", to), ("stanza", StanzaWire.encode(stanza))]
        case .close(let to, let session, let condition):
            [("kind", "close"), ("to", to), ("session", session), ("condition", condition.rawValue)]
        }
    }

    public init?(entry: RedisStreamEntry) {
        switch WireDelivery(entry: entry) {
        case .stanza(let to, let wire)?:
            guard let stanza = StanzaWire.decode(wire) else { return nil }
            self = .stanza(to: to, stanza)
        case .close(let to, let session, let condition)?:
            self = .close(to: to, session: session, condition: condition)
        case nil:
            return nil
        }
    }
}

/// A `deliver:{node}` entry as the gateway that owns it reads it: the stanza
/// stays in its wire form (`StanzaWire`, already serialized as in a client
/// stream), so the gateway writes it to the client as it is, without parsing
/// and serializing it again. It is parsed only in the rare case it comes back
/// to the routers (`stanza`).
public enum WireDelivery: Sendable, Hashable {
    case stanza(to: String, wire: String)
    case close(to: String, session: String, condition: StreamError.Condition)

    public var to: String {
        switch self {
        case .stanza(let to, _), .close(let to, _, _): to
        }
    }

    public init?(entry: RedisStreamEntry) {
        guard let to = entry["to"] else { return nil }
        switch entry["kind"] {
        case "stanza":
            guard let wire = entry["stanza"], !wire.isEmpty else { return nil }
            self = .stanza(to: to, wire: wire)
        case "close":
            guard let session = entry["session"], let name = entry["condition"],
                let condition = StreamError.Condition(rawValue: name)
            else { return nil }
            self = .close(to: to, session: session, condition: condition)
        default:
            return nil
        }
    }
}

extension RedisCommandSender {
    /// Queues a delivery on a gateway node's stream.
    @discardableResult
    public func deliver(_ delivery: Delivery, to node: NodeID, keys: ClusterKeys) async throws -> String {
        try await xadd(keys.deliveries(node), fields: delivery.fields)
    }
}
