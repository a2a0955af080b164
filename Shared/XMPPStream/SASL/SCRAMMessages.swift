/// Parsing of the client's SCRAM messages (RFC 5802 §7). Pure and strict: anything
/// outside the grammar is `malformedRequest`.
enum SCRAMMessages {
    /// `client-first-message` split into its parts.
    struct ClientFirst: Sendable, Hashable {
        /// The gs2-header exactly as sent (`n,,` or `y,,` or with `a=`), echoed in `c=`.
        var gs2Header: String
        var authzid: String?
        var username: String
        var clientNonce: String
        /// `client-first-message-bare`, part of the AuthMessage.
        var bare: String
    }

    /// `client-final-message` split into its parts.
    struct ClientFinal: Sendable, Hashable {
        var channelBinding: String
        var nonce: String
        var proof: String
        /// `client-final-message-without-proof`, part of the AuthMessage.
        var withoutProof: String
    }

    static func parseClientFirst(_ message: String) throws(SASLMechanismFailure) -> ClientFirst {
        // gs2-header = gs2-cbind-flag "," [ authzid ] ","
        let parts = message.split(separator: ",", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .malformedRequest }
        let flag = parts[0]
        // "p=" asks for channel binding; no -PLUS mechanism is offered (RFC 5802 §6).
        guard flag == "n" || flag == "y" else { throw .malformedRequest }
        var authzid: String?
        if !parts[1].isEmpty {
            guard parts[1].hasPrefix("a=") else { throw .malformedRequest }
            authzid = try decodeSASLName(parts[1].dropFirst(2))
        }
        let bare = String(parts[2])
        let attributes = bare.split(separator: ",", omittingEmptySubsequences: false)
        // A mandatory extension (m=) we do not know must fail the exchange (§5.1).
        guard attributes.count >= 2, attributes[0].hasPrefix("n="), attributes[1].hasPrefix("r=")
        else { throw .malformedRequest }
        let username = try decodeSASLName(attributes[0].dropFirst(2))
        let nonce = String(attributes[1].dropFirst(2))
        guard !username.isEmpty, isValidNonce(nonce) else { throw .malformedRequest }
        return ClientFirst(
            gs2Header: parts[0] + "," + parts[1] + ",", authzid: authzid, username: username,
            clientNonce: nonce, bare: bare)
    }

    static func parseClientFinal(_ message: String) throws(SASLMechanismFailure) -> ClientFinal {
        let attributes = message.split(separator: ",", omittingEmptySubsequences: false)
        guard attributes.count >= 3, attributes[0].hasPrefix("c="), attributes[1].hasPrefix("r="),
            let last = attributes.last, last.hasPrefix("p=")
        else { throw .malformedRequest }
        let withoutProof = attributes.dropLast().joined(separator: ",")
        return ClientFinal(
            channelBinding: String(attributes[0].dropFirst(2)), nonce: String(attributes[1].dropFirst(2)),
            proof: String(last.dropFirst(2)), withoutProof: withoutProof)
    }

    /// saslname: `=2C` is a comma, `=3D` an equals sign; any other `=` is an error (§5.1).
    static func decodeSASLName(_ raw: Substring) throws(SASLMechanismFailure) -> String {
        guard raw.contains("=") else { return String(raw) }
        var result = ""
        var index = raw.startIndex
        while index < raw.endIndex {
            let character = raw[index]
            if character == "=" {
                let escape = raw[index...].prefix(3)
                switch escape {
                case "=2C": result.append(",")
                case "=3D": result.append("=")
                default: throw .malformedRequest
                }
                index = raw.index(index, offsetBy: 3)
            } else {
                result.append(character)
                index = raw.index(after: index)
            }
        }
        return result
    }

    /// printable = %x21-2B / %x2D-7E (any printable ASCII but the comma).
    static func isValidNonce(_ nonce: String) -> Bool {
        !nonce.isEmpty && nonce.utf8.allSatisfy { (0x21...0x7E).contains($0) && $0 != UInt8(ascii: ",") }
    }
}
