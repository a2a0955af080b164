import ArgumentParser
import ClusterIO
import Foundation
import XMPPCore

/// `trellisctl vcard import|export`.
struct VCardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vcard", abstract: "Import and export vCards (XEP-0054).", subcommands: [Import.self, Export.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import", abstract: "Store a <vCard xmlns='vcard-temp'/> read from FILE ('-' for stdin).")

        @OptionGroup var cluster: ClusterOptions
        @OptionGroup var account: AccountArgument
        @Argument(help: "The vCard XML file, or '-'.") var file: String

        func run() async throws {
            let xml: String
            do {
                let data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: file))
                xml = String(decoding: data, as: UTF8.self)
            } catch {
                CtlOutput.error("cannot read \(file): \(error.localizedDescription)")
                throw ExitCode(CtlExit.refused)
            }
            try await cluster.withStorage { client, _ in
                try await client.setVCard(user: account.user, xml: xml)
                print("vCard stored for \(account.user)")
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export", abstract: "Print a user's vCard; exit 1 when there is none.")

        @OptionGroup var cluster: ClusterOptions
        @OptionGroup var account: AccountArgument

        func run() async throws {
            try await cluster.withStorage { client, _ in
                guard let xml = try await client.vcard(user: account.user) else {
                    CtlOutput.error("\(account.user) has no vCard")
                    throw ExitCode(CtlExit.refused)
                }
                print(xml)
            }
        }
    }
}
