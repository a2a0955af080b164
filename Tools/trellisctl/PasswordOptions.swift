import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How a command gets a password: `--password`, `--password-stdin`, or a
/// prompt without echo when stdin is a terminal (else the first line of stdin).
///
/// The password never leaves the process: `trellisctl` derives the SCRAM
/// credentials itself and sends only salts, iteration counts and keys.
struct PasswordOptions: ParsableArguments {
    @Option(help: "The password (visible in the process list; prefer --password-stdin).")
    var password: String?

    @Flag(help: "Read the password from the first line of standard input.")
    var passwordStdin = false

    func validate() throws {
        if password != nil && passwordStdin {
            throw ValidationError("give either --password or --password-stdin, not both")
        }
        if password == "" { throw ValidationError("the password must not be empty") }
    }

    func read() throws -> String {
        if let password { return password }
        if !passwordStdin, isatty(STDIN_FILENO) == 1 {
            let first = prompt("Password: ")
            guard prompt("Again: ") == first else { throw ValidationError("the passwords differ") }
            return try nonEmpty(first)
        }
        return try nonEmpty(readLine(strippingNewline: true) ?? "")
    }

    private func prompt(_ text: String) -> String {
        guard let pointer = getpass(text) else { return "" }
        return String(cString: pointer)
    }

    private func nonEmpty(_ password: String) throws -> String {
        guard !password.isEmpty else { throw ValidationError("the password must not be empty") }
        return password
    }
}
