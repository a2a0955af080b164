import Configuration

/// Keys: `max_stanza_size` (1024…16777216, default 65536),
/// `max_resources_per_account` (1…1000, default 5), `sasl.max_failures_per_account`
/// (1…10000, default 10), `sasl.failure_window_seconds` (1…86400, default 60),
/// `stream_management.max_seconds` (0…86400, default 300; 0 = not offered),
/// `max_outbound_bytes` (65536…1 GiB, default 1 MiB),
/// `backpressure.route_lag_high` (0…10000000, default 2000; 0 = off) and
/// `backpressure.route_lag_low` (0…high, default half of high).
extension StreamLimits {
    public init(source: ConfigSource) throws(ConfigurationError) {
        let defaults = StreamLimits()
        let high = try source.int("backpressure.route_lag_high", default: defaults.routeLagHigh, in: 0...10_000_000)
        let low = try source.int("backpressure.route_lag_low", default: high / 2, in: 0...max(high, 0))
        self.init(
            maxStanzaSize: try source.int("max_stanza_size", default: defaults.maxStanzaSize, in: 1024...16 * 1024 * 1024),
            maxResourcesPerAccount: try source.int(
                "max_resources_per_account", default: defaults.maxResourcesPerAccount, in: 1...1000),
            maxAuthenticationFailuresPerAccount: try source.int(
                "sasl.max_failures_per_account", default: defaults.maxAuthenticationFailuresPerAccount, in: 1...10_000),
            authenticationFailureWindowSeconds: try source.int(
                "sasl.failure_window_seconds", default: defaults.authenticationFailureWindowSeconds, in: 1...86_400),
            streamManagementMaxSeconds: try source.int(
                "stream_management.max_seconds", default: defaults.streamManagementMaxSeconds, in: 0...86_400),
            maxOutboundBytes: try source.int(
                "max_outbound_bytes", default: defaults.maxOutboundBytes, in: 65_536...(1 << 30)),
            routeLagHigh: high, routeLagLow: low)
    }
}

/// Keys: `c2s.host`, `c2s.port`, `c2s.tls_port`, `c2s.idle_timeout_seconds`
/// (10…86400), `c2s.handshake_timeout_seconds` (1…600), `c2s.max_bytes_per_second`
/// (0…1 GiB, 0 = off), `c2s.burst_bytes` (1 KiB…1 GiB), `c2s.flood_seconds`
/// (1…3600), `c2s.send_timeout_seconds` (0…3600, 0 = the kernel's), `tls_required`,
/// `tls.cert` + `tls.key`, and `tls.domains.<domain>.cert` + `.key` for each
/// served domain (env: `TRELLIS_TLS_DOMAINS_EXAMPLE_COM_CERT`).
extension C2SConfiguration {
    public init(source: ConfigSource, domains: [String]) throws(ConfigurationError) {
        let defaults = C2SConfiguration()
        var domainCertificates: [String: CertificatePaths] = [:]
        for domain in domains {
            let pair = try Self.certificatePaths(source, prefix: ["tls", "domains", domain])
            domainCertificates[domain] = pair
        }
        self.init(
            host: try source.string("c2s.host", default: defaults.host),
            port: try source.int("c2s.port", default: defaults.port, in: 0...65535),
            tlsPort: try source.int("c2s.tls_port", default: defaults.tlsPort, in: 0...65535),
            tls: TLSConfiguration(
                required: try source.bool("tls_required", default: defaults.tls.required),
                defaultCertificate: try Self.certificatePaths(source, prefix: ["tls"]),
                domainCertificates: domainCertificates),
            idleTimeoutSeconds: try source.int(
                "c2s.idle_timeout_seconds", default: defaults.idleTimeoutSeconds, in: 10...86_400),
            handshakeTimeoutSeconds: try source.int(
                "c2s.handshake_timeout_seconds", default: defaults.handshakeTimeoutSeconds, in: 1...600),
            maxBytesPerSecond: try source.int(
                "c2s.max_bytes_per_second", default: defaults.maxBytesPerSecond, in: 0...1_073_741_824),
            burstBytes: try source.int("c2s.burst_bytes", default: defaults.burstBytes, in: 1024...1_073_741_824),
            floodSeconds: try source.int("c2s.flood_seconds", default: defaults.floodSeconds, in: 1...3600),
            sendTimeoutSeconds: try source.int(
                "c2s.send_timeout_seconds", default: defaults.sendTimeoutSeconds, in: 0...3600))
    }

    /// `<prefix>.cert` and `<prefix>.key`: both or neither.
    private static func certificatePaths(
        _ source: ConfigSource, prefix: [String]
    ) throws(ConfigurationError) -> CertificatePaths? {
        let certKey = ConfigKeyPath(prefix + ["cert"])
        let keyKey = ConfigKeyPath(prefix + ["key"])
        let cert = try source.string(certKey.key)
        let key = try source.string(keyKey.key)
        switch (cert, key) {
        case (nil, nil): return nil
        case (let cert?, let key?): return CertificatePaths(certificate: cert, key: key)
        case (_?, nil): throw .missing(key: keyKey.name, expected: "a key path beside \(certKey.name)")
        case (nil, _?): throw .missing(key: certKey.name, expected: "a certificate path beside \(keyKey.name)")
        }
    }
}

/// Keys: `bosh.host`, `bosh.port`, `bind` (a path starting with `/`), `root`,
/// `vroute` (1…64 letters, digits, `-`, `_`, or `auto`), `vroute_network` (an
/// IPv4 CIDR such as `172.31.240.0/24`), `bosh.max_wait` (1…3600),
/// `bosh.inactivity` (1…3600), `bosh.cors_origins` (list), `websocket.path` (a
/// path starting with `/`, not `bind` nor `/http-bind`),
/// `websocket.idle_timeout_seconds` (10…86400),
/// `websocket.handshake_timeout_seconds` (1…600).
extension BOSHConfiguration {
    public init(source: ConfigSource) throws(ConfigurationError) {
        let defaults = BOSHConfiguration()
        let bind = try source.string("bind", default: defaults.bind)
        guard bind.hasPrefix("/") else {
            throw .invalid(key: "bind", expected: "an HTTP path starting with '/'", got: bind)
        }
        let websocketPath = try source.string("websocket.path", default: defaults.websocketPath)
        guard websocketPath.hasPrefix("/"), websocketPath != bind, websocketPath != "/http-bind" else {
            throw .invalid(
                key: "websocket.path", expected: "an HTTP path starting with '/', other than bind and /http-bind",
                got: websocketPath)
        }
        let vroute = try source.string("vroute", default: defaults.vroute)
        // The value ends up in a cookie nginx maps to an upstream: keep it to a safe alphabet.
        let vrouteOK = (1...64).contains(vroute.utf8.count) && vroute.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
        }
        guard vrouteOK else {
            throw .invalid(key: "vroute", expected: "auto or 1 to 64 letters, digits, '-' or '_'", got: vroute)
        }
        let vrouteNetwork = try source.string("vroute_network")
        if let vrouteNetwork, IPv4Network(vrouteNetwork) == nil {
            throw .invalid(key: "vroute_network", expected: "an IPv4 network such as 172.31.240.0/24", got: vrouteNetwork)
        }
        self.init(
            host: try source.string("bosh.host", default: defaults.host),
            port: try source.int("bosh.port", default: defaults.port, in: 0...65535),
            bind: bind,
            root: try source.string("root"),
            vroute: vroute,
            vrouteNetwork: vrouteNetwork,
            maxWait: try source.int("bosh.max_wait", default: defaults.maxWait, in: 1...3600),
            inactivity: try source.int("bosh.inactivity", default: defaults.inactivity, in: 1...3600),
            corsOrigins: try source.stringList("bosh.cors_origins", default: defaults.corsOrigins),
            websocketPath: websocketPath,
            websocketIdleTimeoutSeconds: try source.int(
                "websocket.idle_timeout_seconds", default: defaults.websocketIdleTimeoutSeconds, in: 10...86_400),
            websocketHandshakeTimeoutSeconds: try source.int(
                "websocket.handshake_timeout_seconds", default: defaults.websocketHandshakeTimeoutSeconds, in: 1...600))
    }
}

/// A key given as components, so that a domain's dots stay inside one component.
struct ConfigKeyPath {
    let components: [String]
    init(_ components: [String]) { self.components = components }
    var key: ConfigKey { ConfigKey(components) }
    var name: String { components.joined(separator: ".") }
}
