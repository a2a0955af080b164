#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import Synchronization

/// A `LogHandler` that writes one line per event, in logfmt or JSON.
///
/// logfmt: `ts=2026-11-25T02:23:33.120Z level=info label=trellis.c2s node.id=c2s-1 role=c2s msg="client connected" connection.id=7`
///
/// `node.id` and `role` come first when present, then `msg`, then the other
/// metadata sorted by key. Metadata is merged in swift-log's order: the
/// handler's own, then the metadata provider's, then the event's (later wins).
public struct StructuredLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let format: LogFormat
    private let sink: @Sendable (String) -> Void

    /// - Parameter sink: receives each complete line, newline included. Default: stderr.
    public init(
        label: String, format: LogFormat, level: Logger.Level = .info,
        metadataProvider: Logger.MetadataProvider? = nil,
        sink: @escaping @Sendable (String) -> Void = StructuredLogHandler.writeToStandardError
    ) {
        self.label = label
        self.format = format
        self.logLevel = level
        self.metadata = [:]
        self.metadataProvider = metadataProvider
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let own = event.metadata { merged.merge(own) { $1 } }
        sink(Self.format(
            format, timestamp: Self.timestamp(), level: event.level, label: label,
            message: event.message.description, metadata: merged))
    }

    // MARK: Line shape (pure, tested)

    static let leadingKeys = ["node.id", "role"]

    public static func format(
        _ format: LogFormat, timestamp: String, level: Logger.Level, label: String,
        message: String, metadata: Logger.Metadata
    ) -> String {
        var fields: [(String, Logger.Metadata.Value)] = [
            ("ts", .string(timestamp)), ("level", .string(level.rawValue)), ("label", .string(label)),
        ]
        for key in leadingKeys { if let value = metadata[key] { fields.append((key, value)) } }
        fields.append(("msg", .string(message)))
        for key in metadata.keys.sorted() where !leadingKeys.contains(key) {
            fields.append((key, metadata[key]!))
        }
        switch format {
        case .logfmt:
            return fields.map { "\(logfmtKey($0.0))=\(logfmtValue($0.1))" }.joined(separator: " ") + "\n"
        case .json:
            return "{" + fields.map { "\(jsonString($0.0)):\(jsonValue($0.1))" }.joined(separator: ",") + "}\n"
        }
    }

    /// Lists are comma-joined (`domains=a.example,b.example`). A bare token when safe, else a double-quoted string with `\"`, `\\`, `\n`, `\r`, `\t`
    /// and `\u{…}` escapes, so one event is always one line.
    static func logfmtValue(_ value: Logger.Metadata.Value) -> String {
        let text: String
        switch value {
        case .string(let string): text = string
        case .stringConvertible(let convertible): text = convertible.description
        case .array(let items): text = items.map(plainText).joined(separator: ",")
        case .dictionary: text = value.description
        }
        let bare = !text.isEmpty && text.unicodeScalars.allSatisfy {
            $0.value > 0x20 && $0.value < 0x7F && $0 != "\"" && $0 != "=" && $0 != "\\"
        }
        return bare ? text : quoted(text, json: false)
    }

    private static func plainText(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let string): string
        case .stringConvertible(let convertible): convertible.description
        case .array, .dictionary: value.description
        }
    }

    /// Keys are ours, but never let one break the line.
    static func logfmtKey(_ key: String) -> String {
        String(key.unicodeScalars.map { $0.value > 0x20 && $0.value < 0x7F && $0 != "=" && $0 != "\"" ? Character($0) : "_" })
    }

    static func jsonValue(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let string): jsonString(string)
        case .stringConvertible(let convertible): jsonString(convertible.description)
        case .array(let items): "[" + items.map(jsonValue).joined(separator: ",") + "]"
        case .dictionary(let dict):
            "{" + dict.keys.sorted().map { "\(jsonString($0)):\(jsonValue(dict[$0]!))" }.joined(separator: ",") + "}"
        }
    }

    static func jsonString(_ text: String) -> String { quoted(text, json: true) }

    private static func quoted(_ text: String, json: Bool) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                out += json ? "\\u" + String(repeating: "0", count: 4 - hex.count) + hex : "\\u{\(hex)}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// UTC, millisecond precision: `2026-11-25T02:23:33.120Z`.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))"
            + "T\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))"
            + ".\(pad(Int32(now.tv_nsec / 1_000_000), 3))Z"
    }

    // MARK: stderr

    private static let standardErrorLock = Mutex(())

    /// Writes the whole line with one `write(2)` under a lock, so lines from
    /// different threads never interleave.
    public static let writeToStandardError: @Sendable (String) -> Void = { line in
        standardErrorLock.withLock { _ in
            var line = line
            line.withUTF8 { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = write(2, buffer.baseAddress! + offset, buffer.count - offset)
                    if written <= 0 {
                        if written < 0 && errno == EINTR { continue }
                        return
                    }
                    offset += written
                }
            }
        }
    }
}
