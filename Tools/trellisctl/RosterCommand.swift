import ArgumentParser
import ClusterIO

/// `trellisctl roster show JID`.
struct RosterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster", abstract: "Inspect rosters.", subcommands: [Show.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a user's roster: its version, then one item per line.",
            discussion: "Columns (tab-separated): contact, subscription, flags (ask, approved), name, groups.")

        @OptionGroup var cluster: ClusterOptions
        @OptionGroup var account: AccountArgument
        @Flag(help: "Print the items as JSON lines instead.") var json = false

        func run() async throws {
            try await cluster.withStorage { client, _ in
                let roster = try await client.roster(user: account.user)
                print("version \(roster.version)")
                for item in roster.items { print(json ? item.json : Self.line(item)) }
            }
        }

        static func line(_ item: RosterItemRecord) -> String {
            let flags = [item.ask ? "ask" : nil, item.approved ? "approved" : nil].compactMap { $0 }
            return [
                item.jid, item.subscription.rawValue, flags.isEmpty ? "-" : flags.joined(separator: ","),
                item.name ?? "-", item.groups.isEmpty ? "-" : item.groups.joined(separator: ","),
            ].joined(separator: "\t")
        }
    }
}
