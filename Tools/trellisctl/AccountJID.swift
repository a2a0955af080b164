import ArgumentParser
import XMPPCore

/// Account JIDs on the command line: bare, with a localpart, normalised.
enum AccountJID {
    static func parse(_ text: String) throws -> String {
        guard let jid = try? JID(text), jid.localpart != nil, jid.isBare else {
            throw ValidationError("'\(text)' is not an account JID (user@domain)")
        }
        return jid.description
    }
}
