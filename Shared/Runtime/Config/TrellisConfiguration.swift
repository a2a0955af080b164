/// Everything one process needs, for its role.
///
/// Every process reads and validates *every* key, not only its role's: one
/// file (or one shared env block in compose) serves the whole cluster, and a
/// mistake in it stops every process the same way at start-up instead of
/// surfacing later, in one role only.
public struct TrellisConfiguration: Sendable, Equatable {
    public var role: Role
    public var common: CommonConfiguration
    /// c2s and bosh-gateway.
    public var limits: StreamLimits
    public var c2s: C2SConfiguration
    public var bosh: BOSHConfiguration
    public var router: RouterConfiguration
    public var storage: StorageConfiguration
    public var archive: ArchiveConfiguration

    public init(role: Role, common: CommonConfiguration? = nil) {
        self.role = role
        self.common = common ?? CommonConfiguration(role: role)
        self.limits = .init()
        self.c2s = .init()
        self.bosh = .init()
        self.router = .init()
        self.storage = .init()
        self.archive = .init()
    }

    /// The addresses this role's listeners will use (the admin listener aside),
    /// as `host:port` strings for the start-up log line.
    public var listenAddresses: [String] {
        switch role {
        case .c2s: ["\(c2s.host):\(c2s.port)", "\(c2s.host):\(c2s.tlsPort)"]
        case .boshGateway: ["\(bosh.host):\(bosh.port)\(bosh.bind)", "\(bosh.host):\(bosh.port)\(bosh.websocketPath)"]
        case .router, .storage: []
        }
    }
}

extension TrellisConfiguration {
    /// Reads and validates the configuration of `role`.
    public init(role: Role, source: ConfigSource) throws(ConfigurationError) {
        self.init(role: role, common: try CommonConfiguration(role: role, source: source))
        limits = try StreamLimits(source: source)
        c2s = try C2SConfiguration(source: source, domains: common.domains)
        bosh = try BOSHConfiguration(source: source)
        router = try RouterConfiguration(source: source)
        storage = try StorageConfiguration(source: source)
        archive = try ArchiveConfiguration(source: source)
    }

    /// Reads `role`'s configuration from `environment` and the file named by
    /// its `TRELLIS_CONFIG`.
    public static func load(role: Role, environment: [String: String]) async throws(ConfigurationError) -> Self {
        try Self(role: role, source: try await ConfigSource(environment: environment))
    }
}
