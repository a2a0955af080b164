import Logging
import Prometheus

/// What a role's services get from the process shell.
public struct TrellisContext: Sendable {
    public let configuration: TrellisConfiguration
    /// `trellis.<role>` with `node.id` and `role`; services derive their loggers from it.
    public let logger: Logger
    /// Services register their readiness checks here; `/ready` reports them.
    public let readiness: Readiness
    /// The registry `/metrics` serves (swift-metrics is bootstrapped onto it).
    public let metrics: PrometheusCollectorRegistry

    public init(
        configuration: TrellisConfiguration, logger: Logger, readiness: Readiness,
        metrics: PrometheusCollectorRegistry
    ) {
        self.configuration = configuration
        self.logger = logger
        self.readiness = readiness
        self.metrics = metrics
    }
}
