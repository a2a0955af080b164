import ArgumentParser
import ClusterIO
import XMPPCore
import XMPPStream

/// `trellisctl user add|remove|list|passwd`.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Create, remove, list accounts and set passwords.",
        subcommands: [Add.self, Remove.self, List.self, Passwd.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an account.",
            discussion: "Example: trellisctl user add alice@localhost --password trellis-demo --if-missing")

        @OptionGroup var cluster: ClusterOptions
        @Argument(help: "The account's bare JID, e.g. alice@example.com.") var jid: String
        @OptionGroup var password: PasswordOptions
        @Flag(help: "Succeed without changing anything when the account exists.") var ifMissing = false

        func validate() throws { _ = try AccountJID.parse(jid) }

        func run() async throws {
            let user = try AccountJID.parse(jid)
            let secret = try password.read()
            try await cluster.withStorage { client, settings in
                let credentials = try SCRAMCredentials.deriveAll(password: secret, iterations: settings.storage.scramIterations)
                let created = try await client.createAccount(user: user, credentials: credentials, ifMissing: ifMissing)
                print(created ? "created \(user)" : "\(user) exists; unchanged")
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete an account and everything stored for it.")

        @OptionGroup var cluster: ClusterOptions
        @Argument(help: "The account's bare JID.") var jid: String

        func validate() throws { _ = try AccountJID.parse(jid) }

        func run() async throws {
            let user = try AccountJID.parse(jid)
            try await cluster.withStorage { client, _ in
                try await client.deleteAccount(user: user)
                print("removed \(user)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every account, one bare JID per line.")

        @OptionGroup var cluster: ClusterOptions

        func run() async throws {
            try await cluster.withStorage { client, _ in
                for user in try await client.listAccounts() { print(user) }
            }
        }
    }

    struct Passwd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set an account's password.",
            discussion: "Prompts twice on a terminal; otherwise reads the first line of standard input.")

        @OptionGroup var cluster: ClusterOptions
        @Argument(help: "The account's bare JID.") var jid: String
        @OptionGroup var password: PasswordOptions

        func validate() throws { _ = try AccountJID.parse(jid) }

        func run() async throws {
            let user = try AccountJID.parse(jid)
            let secret = try password.read()
            try await cluster.withStorage { client, settings in
                let credentials = try SCRAMCredentials.deriveAll(password: secret, iterations: settings.storage.scramIterations)
                try await client.setCredentials(user: user, credentials: credentials)
                print("password changed for \(user)")
            }
        }
    }
}
