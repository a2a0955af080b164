import Gateway
import NIOCore
import NIOSSL
import Runtime
import ServiceLifecycle
import XMPPStream

/// The c2s role's services, in start order: the storage client (credentials),
/// the delivery consumer (`deliver:{node}` to the connections), re-registration
/// of the sessions after the node was swept, the listeners.
/// Shutdown runs backwards: listeners close every stream with
/// `<system-shutdown/>` first, then deliveries stop, then the storage client.
public enum C2SServices {
    public static func make(context: TrellisContext) throws -> [any Service] {
        let configuration = context.configuration
        let node = GatewayNode(context: context)

        // One certificate for the listener: the first served domain's, else the default.
        let domains = configuration.common.domains
        let certificate = domains.lazy.compactMap { configuration.c2s.tls.certificate(for: $0) }.first
            ?? configuration.c2s.tls.defaultCertificate
        let tlsContext = try certificate.map { try C2STLS.makeContext(certificate: $0.certificate, key: $0.key) }
        let negotiation = ClientStreamNegotiation.Configuration(
            domains: Set(domains), tlsAvailable: tlsContext != nil, tlsRequired: configuration.c2s.tls.required,
            streamManagement: configuration.limits.streamManagementMaxSeconds > 0)
        let server = C2SServer(
            settings: .init(
                host: configuration.c2s.host, port: configuration.c2s.port, tlsPort: configuration.c2s.tlsPort,
                idleTimeout: .seconds(Int64(configuration.c2s.idleTimeoutSeconds)),
                handshakeTimeout: .seconds(Int64(configuration.c2s.handshakeTimeoutSeconds)),
                environment: node.environment, negotiation: negotiation,
                limits: .init(maxStanzaSize: configuration.limits.maxStanzaSize), tlsContext: tlsContext,
                floodControl: configuration.c2s.maxBytesPerSecond == 0
                    ? nil
                    : .init(
                        bytesPerSecond: configuration.c2s.maxBytesPerSecond, burstBytes: configuration.c2s.burstBytes,
                        floodSeconds: Int64(configuration.c2s.floodSeconds)),
                sendTimeout: configuration.c2s.sendTimeoutSeconds == 0
                    ? nil : .seconds(Int64(configuration.c2s.sendTimeoutSeconds)),
                // Longer than a storage request may take, so a session waiting
                // on one still gets to write its stream error.
                closeTimeout: .milliseconds(Int64(configuration.common.storageRequestTimeoutMilliseconds) + 5000)),
            logger: context.logger)
        return node.services(listener: server)
    }
}
