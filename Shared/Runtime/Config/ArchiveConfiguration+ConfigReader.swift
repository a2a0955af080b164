/// Keys: `archive.enabled` (boolean, default true; its cost is in docs/client-features.md),
/// `archive.retention_days` (0…36500, default 365; 0 keeps messages forever).
extension ArchiveConfiguration {
    public init(source: ConfigSource) throws(ConfigurationError) {
        let defaults = ArchiveConfiguration()
        self.init(
            enabled: try source.bool("archive.enabled", default: defaults.enabled),
            retentionDays: try source.int("archive.retention_days", default: defaults.retentionDays, in: 0...36_500))
    }
}
