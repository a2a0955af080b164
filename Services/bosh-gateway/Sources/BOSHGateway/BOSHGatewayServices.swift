import Gateway
import Runtime
import ServiceLifecycle
import XMPPCore

/// The bosh-gateway role's services, in start order: the gateway node (storage
/// client, deliveries, re-registration), then the HTTP listener. Shutdown runs
/// backwards: every BOSH session is terminated with `system-shutdown` first.
public enum BOSHGatewayServices {
    public static func make(context: TrellisContext) -> [any Service] {
        let configuration = context.configuration
        let node = GatewayNode(context: context)
        let sessions = BOSHSessions(
            settings: .init(
                environment: node.environment,
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
        return node.services(listener: server)
    }
}
