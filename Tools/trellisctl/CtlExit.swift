import ArgumentParser
import ClusterIO
import Foundation
import Redis
import Runtime

/// The exit codes of `trellisctl` and the mapping from failures to them.
enum CtlExit {
    static let ok: Int32 = 0
    /// Storage answered with an error (no such user, conflict, not acceptable…).
    static let refused: Int32 = 1
    /// Bad arguments or options.
    static let usage: Int32 = 2
    /// Storage or Redis unavailable (`EX_UNAVAILABLE` from sysexits.h).
    static let unavailable: Int32 = 69
    /// The Trellis configuration (TRELLIS_* or TRELLIS_CONFIG) is invalid (`EX_CONFIG`).
    static let configuration: Int32 = 78

    /// Prints what went wrong and returns the exit to throw.
    static func report(_ error: any Error) -> ExitCode {
        switch error {
        case let error as ExitCode:
            return error
        case let error as StorageClientError:
            CtlOutput.error(describe(error))
            switch error {
            case .timeout, .unavailable, .notRunning: return ExitCode(unavailable)
            default: return ExitCode(refused)
            }
        case let error as RedisError:
            CtlOutput.error("redis: \(error)")
            return ExitCode(unavailable)
        case let error as ConfigurationError:
            CtlOutput.error("configuration error: \(error)")
            return ExitCode(configuration)
        default:
            CtlOutput.error("\(error)")
            return ExitCode(refused)
        }
    }

    private static func describe(_ error: StorageClientError) -> String {
        switch error {
        case .rejected(let condition, let text): text.map { "\(condition): \($0)" } ?? condition
        case .timeout: "storage did not answer in time (is trellis-storage running?)"
        default: error.description
        }
    }
}

/// What `trellisctl` writes: results on stdout, diagnostics on stderr.
enum CtlOutput {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data("trellisctl: \(message)\n".utf8))
    }
}
