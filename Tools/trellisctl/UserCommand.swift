import ArgumentParser
import ClusterIO

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
        @OptionGroup var account: AccountArgument
        @OptionGroup var password: PasswordOptions
        @Flag(help: "Succeed without changing anything when the account exists.") var ifMissing = false

        func run() async throws {
            let secret = try password.read()
            try await cluster.withStorage { client, settings in
                let created = try await client.createAccount(
                    user: account.user, credentials: try settings.credentials(for: secret), ifMissing: ifMissing)
                print(created ? "created \(account.user)" : "\(account.user) exists; unchanged")
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete an account and everything stored for it.")

        @OptionGroup var cluster: ClusterOptions
        @OptionGroup var account: AccountArgument

        func run() async throws {
            try await cluster.withStorage { client, _ in
                try await client.deleteAccount(user: account.user)
                print("removed \(account.user)")
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
        @OptionGroup var account: AccountArgument
        @OptionGroup var password: PasswordOptions

        func run() async throws {
            let secret = try password.read()
            try await cluster.withStorage { client, settings in
                try await client.setCredentials(user: account.user, credentials: try settings.credentials(for: secret))
                print("password changed for \(account.user)")
            }
        }
    }
}
