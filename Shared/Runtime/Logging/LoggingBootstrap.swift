import Logging
import Synchronization

/// Installs `StructuredLogHandler` as the process's log handler, once.
public enum LoggingBootstrap {
    private static let done = Mutex(false)

    /// Bootstraps swift-log (first call only; swift-log allows one bootstrap
    /// per process) and returns the process logger, `trellis.<role>`, carrying
    /// `node.id` and `role`.
    @discardableResult
    public static func bootstrap(role: Role, nodeID: String, configuration: LogConfiguration) -> Logger {
        let first = done.withLock { done in
            defer { done = true }
            return !done
        }
        if first {
            LoggingSystem.bootstrap { label in
                StructuredLogHandler(label: label, format: configuration.format, level: configuration.level)
            }
        }
        return processLogger(role: role, nodeID: nodeID, level: configuration.level)
    }

    /// `Logger(label: "trellis.<role>")` with `node.id` and `role` set.
    public static func processLogger(role: Role, nodeID: String, level: Logger.Level) -> Logger {
        var logger = Logger(label: role.loggerLabel)
        logger.logLevel = level
        logger[metadataKey: "node.id"] = .string(nodeID)
        logger[metadataKey: "role"] = .string(role.rawValue)
        return logger
    }
}
