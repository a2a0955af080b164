import ArgumentParser
import XMPPCore

/// The account a command acts on: a bare JID with a localpart, normalised
/// (RFC 7622). Anything else is a usage error (exit 2).
struct AccountArgument: ParsableArguments {
    @Argument(help: "The account's bare JID, e.g. alice@example.com.")
    var jid: String

    func validate() throws { _ = try Self.normalise(jid) }

    /// The normalised bare JID (valid once `validate()` passed).
    var user: String { (try? Self.normalise(jid)) ?? jid }

    static func normalise(_ text: String) throws -> String {
        guard let jid = try? JID(text), jid.localpart != nil, jid.isBare else {
            throw ValidationError("'\(text)' is not an account JID (user@domain)")
        }
        return jid.description
    }
}
