/// A configuration value that cannot be used, found once at start-up.
///
/// The description names the key in both spellings (file key and
/// environment variable) and says what was expected, for example:
///
///     max_stanza_size (TRELLIS_MAX_STANZA_SIZE): expected an integer between 1024 and 16777216, got "abc"
///
/// Mains print it and exit with code 78 (`EX_CONFIG`).
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file key, e.g. `max_stanza_size`; `nil` for errors about the file itself.
    public let key: String?
    public let message: String

    public init(key: String?, message: String) {
        self.key = key
        self.message = message
    }

    /// A value is present but is not what `expected` describes.
    public static func invalid(key: String, expected: String, got raw: String) -> Self {
        .init(key: key, message: "expected \(expected), got \(quoted(raw))")
    }

    /// A value that must accompany another one is absent.
    public static func missing(key: String, expected: String) -> Self {
        .init(key: key, message: "expected \(expected), got nothing")
    }

    /// The configuration file named by `TRELLIS_CONFIG` cannot be read or parsed.
    public static func unreadableFile(path: String, reason: String) -> Self {
        .init(key: nil, message: "\(ConfigSource.fileVariable)=\(quoted(path)): \(reason)")
    }

    public var description: String {
        guard let key else { return message }
        return "\(key) (\(ConfigSource.environmentName(for: key))): \(message)"
    }

    static func quoted(_ raw: String) -> String {
        var out = "\""
        for scalar in raw.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
