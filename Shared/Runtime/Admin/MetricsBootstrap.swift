import Metrics
import Prometheus
import Synchronization

/// Routes swift-metrics to a swift-prometheus registry, once per process.
public enum MetricsBootstrap {
    private static let registry = Mutex<PrometheusCollectorRegistry?>(nil)

    /// Bootstraps swift-metrics on the first call (one bootstrap per process
    /// is all swift-metrics allows) and returns the registry `/metrics` serves.
    public static func bootstrap() -> PrometheusCollectorRegistry {
        registry.withLock { registry in
            if let registry { return registry }
            let created = PrometheusCollectorRegistry()
            var factory = PrometheusMetricsFactory(registry: created)
            // swift-metrics labels are dotted (`xmpp.stanzas`); Prometheus wants `xmpp_stanzas`.
            factory.nameAndLabelSanitizer = { name, labels in
                (sanitize(name), labels.map { (sanitize($0.0), $0.1) })
            }
            MetricsSystem.bootstrap(factory)
            registry = created
            return created
        }
    }

    /// `xmpp.stanzas` → `xmpp_stanzas`: anything outside `[A-Za-z0-9_:]` becomes `_`.
    public static func sanitize(_ name: String) -> String {
        String(name.unicodeScalars.map {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == ":"
                ? Character($0) : "_"
        })
    }
}
