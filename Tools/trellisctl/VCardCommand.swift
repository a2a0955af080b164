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
        @Argument(help: "The account's bare JID.") var jid: String
        @Argument(help: "The vCard XML file, or '-'.") var file: String

        func validate() throws { _ = try AccountJID.parse(jid) }

        func run() async throws {
            let user = try AccountJID.parse(jid)
            let xml: String
            do {
                let data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: file))
                xml = String(decoding: data, as: UTF8.self)
            } catch {
                CtlOutput.error("cannot read \(file): \(error.localizedDescription)")
                throw ExitCode(CtlExit.refused)
            }
            try await cluster.withStorage { client, _ in
                try await client.setVCard(user: user, xml: xml)
                print("vCard stored for \(user)")
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export", abstract: "Print a user's vCard; exit 1 when there is none.")

        @OptionGroup var cluster: ClusterOptions
        @Argument(help: "The account's bare JID.") var jid: String

        func validate() throws { _ = try AccountJID.parse(jid) }

        func run() async throws {
            let user = try AccountJID.parse(jid)
            try await cluster.withStorage { client, _ in
                guard let xml = try await client.vcard(user: user) else {
                    CtlOutput.error("\(user) has no vCard")
                    throw ExitCode(CtlExit.refused)
                }
                print(xml)
            }
        }
    }
}
