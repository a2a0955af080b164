import Cluster

/// The role a Trellis process plays: the cluster's `NodeRole`, with what the
/// process shell needs to know about each.
public typealias Role = NodeRole

extension NodeRole {
    /// The label of the process logger, e.g. `trellis.c2s`.
    public var loggerLabel: String { "trellis.\(rawValue)" }

    /// The name of the executable, e.g. `trellis-router`.
    public var executableName: String { "trellis-\(rawValue)" }

    /// The admin (health + metrics) port used when `admin.port` is not set.
    ///
    /// One fixed port per role so that several roles can share a host
    /// (the development launcher puts each process on its own 127.0.0.x, so
    /// replicas of one role do not collide either).
    public var defaultAdminPort: Int {
        switch self {
        case .c2s: 9101
        case .boshGateway: 9102
        case .router: 9103
        case .storage: 9104
        }
    }
}
