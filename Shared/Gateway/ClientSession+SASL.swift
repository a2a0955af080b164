import Cluster
import Logging
import XMPPCore
import XMPPStream

/// SASL for a client session: credential look-ups (with the per-account
/// throttle) and what a failure counts against.
extension ClientSession {
    // MARK: SASL

    func lookUp(username: String, hashFunction: SCRAMHashFunction) async -> [ClientStreamNegotiation.Output] {
        let domain = negotiation.domain ?? ""
        let decoy = SCRAMCredentials.decoy(
            username: username, secret: environment.decoySecret, iterations: 4096, hashFunction: hashFunction)
        // A name that is no valid localpart cannot be an account.
        guard let jid = try? JID(localpart: username, domainpart: domain) else {
            return negotiation.credentialsReceived(decoy, accountExists: false)
        }
        do {
            guard try await environment.authenticationThrottle.mayTry(jid.description) else {
                logger.notice("authentication refused: too many failures on the account")
                GatewayMetrics.authentication("throttled")
                return negotiation.credentialsUnavailable()
            }
            attemptedAccount = jid.description
            if let credentials = try await environment.credentials.credentials(
                username: jid.localpart ?? username, domain: jid.domainpart, hashFunction: hashFunction)
            {
                return negotiation.credentialsReceived(credentials, accountExists: true)
            }
            return negotiation.credentialsReceived(decoy, accountExists: false)
        } catch {
            logger.warning("credentials unavailable", metadata: ["error": "\(error)"])
            GatewayMetrics.authentication("unavailable")
            return negotiation.credentialsUnavailable()
        }
    }

    /// A SASL `<failure><not-authorized/></failure>` (RFC 6120 §6.5.10).
    static func isNotAuthorized(_ element: XMLElement) -> Bool {
        element.name == "failure" && element.namespace == XMPPNamespace.sasl
            && element.elements.first?.name == "not-authorized"
    }
}
