/// Limits both client gateways (c2s and bosh-gateway) enforce on a session.
public struct StreamLimits: Sendable, Equatable {
    /// The largest stanza accepted, in bytes; a bigger one ends the stream
    /// with `<policy-violation/>`.
    public var maxStanzaSize: Int
    /// How many resources one account may bind at once.
    public var maxResourcesPerAccount: Int
    /// Failed SASL attempts on one account (any connection, any gateway) within
    /// `authenticationFailureWindowSeconds` before further attempts are refused
    /// unchecked with `<temporary-auth-failure/>`.
    public var maxAuthenticationFailuresPerAccount: Int
    public var authenticationFailureWindowSeconds: Int
    /// XEP-0198: how long a session whose connection went waits for its
    /// client to resume it, in seconds (`max` in `<enabled/>`); 0 turns
    /// stream management off (not offered).
    public var streamManagementMaxSeconds: Int
    /// The most a client may leave unread, in bytes, before its connection is
    /// closed (a slow reader, issue #16).
    public var maxOutboundBytes: Int
    /// Route backpressure: sessions stop handing stanzas to a route partition
    /// that holds more than `routeLagHigh` entries (and so stop reading their
    /// sockets) until it is down to `routeLagLow`. 0 turns it off.
    public var routeLagHigh: Int
    public var routeLagLow: Int

    public init(
        maxStanzaSize: Int = 65_536, maxResourcesPerAccount: Int = 5, maxAuthenticationFailuresPerAccount: Int = 10,
        authenticationFailureWindowSeconds: Int = 60, streamManagementMaxSeconds: Int = 300,
        maxOutboundBytes: Int = 1 << 20, routeLagHigh: Int = 2000, routeLagLow: Int = 1000
    ) {
        self.maxStanzaSize = maxStanzaSize
        self.maxResourcesPerAccount = maxResourcesPerAccount
        self.maxAuthenticationFailuresPerAccount = maxAuthenticationFailuresPerAccount
        self.authenticationFailureWindowSeconds = authenticationFailureWindowSeconds
        self.streamManagementMaxSeconds = streamManagementMaxSeconds
        self.maxOutboundBytes = maxOutboundBytes
        self.routeLagHigh = routeLagHigh
        self.routeLagLow = routeLagLow
    }
}

/// `c2s.*` and the TLS keys: the XMPP client listener.
public struct C2SConfiguration: Sendable, Equatable {
    public var host: String
    /// STARTTLS port (RFC 6120 §5).
    public var port: Int
    /// Direct TLS port (XEP-0368).
    public var tlsPort: Int
    public var tls: TLSConfiguration
    public var idleTimeoutSeconds: Int
    public var handshakeTimeoutSeconds: Int
    /// Flood control: the sustained inbound rate of one connection, in bytes
    /// per second; 0 turns it off.
    public var maxBytesPerSecond: Int
    /// How many bytes a connection may send at once above the rate.
    public var burstBytes: Int
    /// A connection held back by the rate this long without a break is a flood
    /// and is closed with `<policy-violation/>`.
    public var floodSeconds: Int
    /// How long written data may stay unacknowledged by the client's TCP
    /// before the kernel drops the connection (`TCP_USER_TIMEOUT`): a peer
    /// that vanished without a FIN is noticed as soon as something is written
    /// to it. 0 leaves the kernel's default (about 15 minutes of retransmits).
    public var sendTimeoutSeconds: Int

    public init(
        host: String = "0.0.0.0", port: Int = 5222, tlsPort: Int = 5223,
        tls: TLSConfiguration = .init(),
        idleTimeoutSeconds: Int = 300, handshakeTimeoutSeconds: Int = 30,
        maxBytesPerSecond: Int = 65_536, burstBytes: Int = 262_144, floodSeconds: Int = 30,
        sendTimeoutSeconds: Int = 60
    ) {
        self.sendTimeoutSeconds = sendTimeoutSeconds
        self.maxBytesPerSecond = maxBytesPerSecond
        self.burstBytes = burstBytes
        self.floodSeconds = floodSeconds
        self.host = host
        self.port = port
        self.tlsPort = tlsPort
        self.tls = tls
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.handshakeTimeoutSeconds = handshakeTimeoutSeconds
    }
}

/// Certificates: one default pair plus optional per-domain pairs.
public struct TLSConfiguration: Sendable, Equatable {
    /// Whether a client must complete STARTTLS before authenticating.
    public var required: Bool
    /// The default certificate chain and private key (PEM paths).
    public var defaultCertificate: CertificatePaths?
    /// Per-domain certificates (`tls.domains.<domain>.cert/key`), keyed by domain.
    public var domainCertificates: [String: CertificatePaths]

    public init(
        required: Bool = true, defaultCertificate: CertificatePaths? = nil,
        domainCertificates: [String: CertificatePaths] = [:]
    ) {
        self.required = required
        self.defaultCertificate = defaultCertificate
        self.domainCertificates = domainCertificates
    }

    /// The certificate to present for `domain`: its own, else the default.
    public func certificate(for domain: String) -> CertificatePaths? {
        domainCertificates[domain] ?? defaultCertificate
    }
}

public struct CertificatePaths: Sendable, Equatable {
    public var certificate: String
    public var key: String

    public init(certificate: String, key: String) {
        self.certificate = certificate
        self.key = key
    }
}

/// `bosh.*`, `bind`, `root`, `vroute`, `websocket.*`: the BOSH (XEP-0124/0206)
/// HTTP listener and its XMPP WebSocket (RFC 7395) endpoint.
public struct BOSHConfiguration: Sendable, Equatable {
    public var host: String
    public var port: Int
    /// The HTTP path BOSH requests are posted to.
    public var bind: String
    /// A directory of static files served beside BOSH, if any.
    public var root: String?
    /// The value nginx routes this replica's sessions by (the `vroute`
    /// cookie). `auto` means "derive a stable value per replica" (`VRoute`:
    /// `g<last octet>` of this replica's IPv4 address).
    public var vroute: String
    /// For `vroute=auto` on a host with several addresses (`bosh.host`
    /// 0.0.0.0): the IPv4 network (CIDR) whose address names the replica.
    public var vrouteNetwork: String?
    /// The longest `wait` granted to a client, in seconds.
    public var maxWait: Int
    /// Seconds without a request after which a session ends.
    public var inactivity: Int
    /// Origins allowed by CORS; empty means no CORS headers.
    public var corsOrigins: [String]
    /// The HTTP path upgraded to XMPP over WebSocket (RFC 7395).
    public var websocketPath: String
    /// A WebSocket connection silent this long is closed.
    public var websocketIdleTimeoutSeconds: Int
    /// Time allowed from the WebSocket upgrade to a bound resource.
    public var websocketHandshakeTimeoutSeconds: Int

    public init(
        host: String = "0.0.0.0", port: Int = 5280, bind: String = "/xmpp", root: String? = nil,
        vroute: String = "auto", vrouteNetwork: String? = nil, maxWait: Int = 60, inactivity: Int = 60,
        corsOrigins: [String] = [], websocketPath: String = "/xmpp-websocket", websocketIdleTimeoutSeconds: Int = 300,
        websocketHandshakeTimeoutSeconds: Int = 30
    ) {
        self.websocketPath = websocketPath
        self.websocketIdleTimeoutSeconds = websocketIdleTimeoutSeconds
        self.websocketHandshakeTimeoutSeconds = websocketHandshakeTimeoutSeconds
        self.host = host
        self.port = port
        self.bind = bind
        self.root = root
        self.vroute = vroute
        self.vrouteNetwork = vrouteNetwork
        self.maxWait = maxWait
        self.inactivity = inactivity
        self.corsOrigins = corsOrigins
    }
}
