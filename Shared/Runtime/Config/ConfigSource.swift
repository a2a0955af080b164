import Configuration

/// Where Trellis reads its settings: environment variables, then the JSON
/// file named by `TRELLIS_CONFIG`, then the defaults in each struct's `init`.
///
/// A thin wrapper over swift-configuration's `ConfigReader` that adds what
/// Trellis needs and the reader leaves out:
/// - the `TRELLIS_` prefix on environment names (`redis.host` ↔
///   `TRELLIS_REDIS_HOST`), by prefixing the environment provider's keys;
/// - typed getters that *fail* on a present but unusable value. The reader's
///   optional getters turn a conversion error into "missing", which would
///   silently fall back to the default; these throw a `ConfigurationError`
///   that names the key and quotes the raw value instead;
/// - bounds checks.
public struct ConfigSource: Sendable {
    /// The environment variable holding the path of the JSON configuration file.
    public static let fileVariable = "TRELLIS_CONFIG"
    /// The prefix of every environment variable Trellis reads.
    public static let environmentPrefix = "trellis"

    let reader: ConfigReader

    /// Reads from `environment` (the process environment in production, a
    /// dictionary in tests) and from the JSON file at `environment["TRELLIS_CONFIG"]`, if set.
    public init(environment: [String: String]) async throws(ConfigurationError) {
        let path = environment[Self.fileVariable].flatMap { $0.isEmpty ? nil : $0 }
        try await self.init(environment: environment, filePath: path)
    }

    /// Reads from `environment`, then from the JSON file at `filePath` (if not `nil`).
    public init(environment: [String: String], filePath: String?) async throws(ConfigurationError) {
        var providers: [any ConfigProvider] = [
            // Marked secret so that an access reporter, if one is ever added, redacts it.
            EnvironmentVariablesProvider(
                environmentVariables: environment,
                secretsSpecifier: .specific([Self.environmentName(for: "redis.password")])
            )
                .prefixKeys(with: ConfigKey(Self.environmentPrefix))
        ]
        if let filePath {
            do {
                providers.append(try await FileProvider<JSONSnapshot>(filePath: .init(filePath)))
            } catch {
                throw .unreadableFile(path: filePath, reason: "\(error)")
            }
        }
        self.reader = ConfigReader(providers: providers)
    }

    /// The environment variable for a file key: `TRELLIS_` + the key upper-cased,
    /// with every character other than a letter or digit (`.`, `_`, `-`) as `_`.
    /// This matches swift-configuration's environment key encoding.
    public static func environmentName(for key: String) -> String {
        let body = key.uppercased().map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
        return environmentPrefix.uppercased() + "_" + body
    }

    // MARK: Typed getters

    /// A string, or `nil` when no source sets it. An empty string counts as unset.
    public func string(_ key: ConfigKey) throws(ConfigurationError) -> String? {
        let value: String
        do { value = try reader.requiredString(forKey: key) } catch {
            try failIfPresent(key, expected: "a string")
            return nil
        }
        return value.isEmpty ? nil : value
    }

    public func string(_ key: ConfigKey, default defaultValue: String) throws(ConfigurationError) -> String {
        try string(key) ?? defaultValue
    }

    /// An integer within `bounds`.
    public func int(_ key: ConfigKey, default defaultValue: Int, in bounds: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        let expected = "an integer between \(bounds.lowerBound) and \(bounds.upperBound)"
        let value: Int
        do { value = try reader.requiredInt(forKey: key) } catch {
            try failIfPresent(key, expected: expected)
            return defaultValue
        }
        guard bounds.contains(value) else {
            throw .invalid(key: Self.name(key), expected: expected, got: String(value))
        }
        return value
    }

    /// A boolean: `true`/`false` (also `yes`/`no`, `1`/`0` in the environment).
    public func bool(_ key: ConfigKey, default defaultValue: Bool) throws(ConfigurationError) -> Bool {
        do { return try reader.requiredBool(forKey: key) } catch {
            try failIfPresent(key, expected: "true or false")
            return defaultValue
        }
    }

    /// A list of strings: a JSON array in the file, comma-separated in the
    /// environment. Items are trimmed; empty items are dropped.
    public func stringList(_ key: ConfigKey, default defaultValue: [String]) throws(ConfigurationError) -> [String] {
        let raw: [String]
        do { raw = try reader.requiredStringArray(forKey: key) } catch {
            try failIfPresent(key, expected: "a list of strings")
            return defaultValue
        }
        return raw.map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
    }

    /// One of a fixed set of words, e.g. a log level.
    public func choice<Value: RawRepresentable & CaseIterable>(
        _ key: ConfigKey, default defaultValue: Value
    ) throws(ConfigurationError) -> Value where Value.RawValue == String {
        guard let raw = try string(key) else { return defaultValue }
        guard let value = Value(rawValue: raw.lowercased()) else {
            let names = Value.allCases.map(\.rawValue).joined(separator: ", ")
            throw .invalid(key: Self.name(key), expected: "one of \(names)", got: raw)
        }
        return value
    }

    // MARK: Helpers

    static func name(_ key: ConfigKey) -> String { key.components.joined(separator: ".") }

    /// Called after a typed read failed: if *some* source holds a value for
    /// `key` (of any type), that value is unusable and start-up must stop.
    /// If no source holds one, the key is simply unset.
    private func failIfPresent(_ key: ConfigKey, expected: String) throws(ConfigurationError) {
        if let raw = rawValue(key) {
            throw .invalid(key: Self.name(key), expected: expected, got: raw)
        }
    }

    /// The value at `key` rendered as text, whatever its type, or `nil` if unset.
    private func rawValue(_ key: ConfigKey) -> String? {
        if let value = reader.string(forKey: key) { return value }
        if let value = reader.int(forKey: key) { return String(value) }
        if let value = reader.double(forKey: key) { return String(value) }
        if let value = reader.bool(forKey: key) { return String(value) }
        if let value = reader.stringArray(forKey: key) { return value.joined(separator: ",") }
        if let value = reader.intArray(forKey: key) { return value.map(String.init).joined(separator: ",") }
        return nil
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
