// trellis-bosh-gateway: the BOSH (XEP-0124/0206) HTTP gateway for web clients.
//
// The process shell (configuration, logs, metrics, /health, /ready,
// /metrics, SIGTERM handling, exit codes) lives in Runtime's TrellisProcess;
// see docs/operations.md. This file wires the role's services: the delivery
// consumer (deliver:{node} → BOSH sessions) and the HTTP listener (docs/bosh.md).
//
// Configuration: environment variables (TRELLIS_*), then the JSON file at
// $TRELLIS_CONFIG, then defaults; see docs/configuration.md.
//
// Exit codes: 0 after a clean shutdown, 78 on a configuration error,
// 1 when a service fails or the shutdown overruns shutdown_grace_seconds.

import BOSHGateway
import Gateway
import Runtime
import XMPPCore
import XMPPStream

/// Until the storage client lands, every SASL attempt is answered
/// `<temporary-auth-failure/>`: nobody can log in, nobody is let in unchecked.
struct CredentialsNotYetAvailable: CredentialSource, Error {
    func credentials(username: String, domain: String, hashFunction: SCRAMHashFunction) async throws -> SCRAMCredentials? {
        throw self
    }
}

await TrellisProcess.main(role: .boshGateway) { context in
    let configuration = context.configuration
    let local = LocalSessions()
    // TODO(storage client): replace with the storage-backed CredentialSource from the Gateway target.
    let credentials: any CredentialSource = CredentialsNotYetAvailable()
    let environment = GatewayEnvironment(
        node: context.nodeID, keys: context.keys, redis: context.redis, partitions: configuration.router.partitions,
        sessions: local, credentials: credentials, maxResourcesPerAccount: configuration.limits.maxResourcesPerAccount,
        logger: context.logger)
    let sessions = BOSHSessions(
        settings: .init(
            environment: environment,
            // TLS is nginx's (XEP-0206 §4): BOSH streams are secured, STARTTLS is never offered.
            negotiation: .init(domains: Set(configuration.common.domains), tlsAvailable: false),
            limits: .init(maxWait: configuration.bosh.maxWait, inactivity: configuration.bosh.inactivity)))
    let server = BOSHServer(
        settings: .init(
            host: configuration.bosh.host, port: configuration.bosh.port, bind: configuration.bosh.bind,
            root: configuration.bosh.root, vroute: configuration.bosh.resolvedVRoute(),
            corsOrigins: configuration.bosh.corsOrigins,
            limits: XMLStreamParser.Limits(maxStanzaSize: configuration.limits.maxStanzaSize)),
        sessions: sessions, logger: context.logger)
    let deliveries = DeliveryConsumer(
        redis: context.redis, keys: context.keys, node: context.nodeID, sessions: local, routes: environment.routes,
        logger: context.logger)
    // Started in order, stopped in reverse: the listener drains its sessions before deliveries stop.
    return [deliveries, server]
}
