/// What a live node announces about itself in `node:{id}` (a Redis hash).
///
/// The record expires unless the node's heartbeat refreshes it; a node whose
/// record is gone is dead and gets swept (`docs/redis-protocol.md`, "Nodes").
public struct NodeRecord: Sendable, Hashable {
    public var id: NodeID
    public var role: NodeRole
    /// Where clients reach this node (`127.0.0.3:5222`), if it listens for them.
    public var address: String?
    /// Where its admin HTTP server (health, readiness, metrics) listens.
    public var adminAddress: String?
    /// The BOSH gateway's sticky-session cookie value.
    public var vroute: String?
    /// Start time, seconds since 1970.
    public var startedAt: Int
    /// The cluster-wide settings the node runs with (`name=value;…`) and
    /// their short hash, so that members can tell they disagree (issue #14).
    public var settings: String?
    public var settingsHash: String?

    public init(
        id: NodeID, role: NodeRole, address: String? = nil, adminAddress: String? = nil,
        vroute: String? = nil, startedAt: Int, settings: String? = nil, settingsHash: String? = nil
    ) {
        self.id = id
        self.role = role
        self.address = address
        self.adminAddress = adminAddress
        self.vroute = vroute
        self.startedAt = startedAt
        self.settings = settings
        self.settingsHash = settingsHash
    }

    /// Field/value pairs for `HSET`.
    public var fields: [(String, String)] {
        var fields: [(String, String)] = [
            ("id", id.rawValue), ("role", role.rawValue), ("started_at", String(startedAt)),
        ]
        if let address { fields.append(("address", address)) }
        if let adminAddress { fields.append(("admin", adminAddress)) }
        if let vroute { fields.append(("vroute", vroute)) }
        if let settings { fields.append(("settings", settings)) }
        if let settingsHash { fields.append(("settings_hash", settingsHash)) }
        return fields
    }

    /// Reads a record back from `HGETALL` output; `nil` when a required field is
    /// missing or malformed.
    public init?(fields: [String: String]) {
        guard let rawID = fields["id"], let id = NodeID(rawID),
            let rawRole = fields["role"], let role = NodeRole(rawValue: rawRole),
            let startedAt = fields["started_at"].flatMap({ Int($0) })
        else { return nil }
        self.init(
            id: id, role: role, address: fields["address"], adminAddress: fields["admin"],
            vroute: fields["vroute"], startedAt: startedAt, settings: fields["settings"],
            settingsHash: fields["settings_hash"])
    }
}
