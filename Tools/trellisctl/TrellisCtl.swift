import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// `trellisctl`: administers a Trellis cluster through Redis only (it never
/// opens the SQLite file and never needs a service's address).
///
/// Exit codes (docs/storage.md): 0 done, 1 storage refused the request (or a
/// local file could not be read), 2 usage error, 69 storage or Redis
/// unavailable (`EX_UNAVAILABLE`), 78 bad configuration (`EX_CONFIG`).
@main
struct TrellisCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trellisctl",
        abstract: "Administer a Trellis cluster through Redis.",
        discussion: """
            Redis is found the way every Trellis process finds it: TRELLIS_REDIS_HOST, \
            TRELLIS_REDIS_PORT, TRELLIS_REDIS_PREFIX (and the rest of docs/configuration.md, \
            including TRELLIS_CONFIG), overridden by --redis-host, --redis-port and --prefix.

            Exit codes: 0 ok, 1 refused by storage, 2 usage, 69 storage or Redis unavailable, \
            78 bad configuration.
            """,
        subcommands: [UserCommand.self, RosterCommand.self, VCardCommand.self, SessionsCommand.self, NodesCommand.self])

    /// Runs the command and exits with Trellis's codes rather than
    /// ArgumentParser's (which uses 64 for usage errors).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                Glibc.exit(0)
            }
            if !message.isEmpty { CtlOutput.error(message) }
            Glibc.exit(code == .validationFailure ? CtlExit.usage : code.rawValue)
        }
    }
}
