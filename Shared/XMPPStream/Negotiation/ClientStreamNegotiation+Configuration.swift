/// What a gateway tells the negotiation about itself.
extension ClientStreamNegotiation {
    public struct Configuration: Sendable {
        /// Domains served, normalised (lowercase, no trailing dot).
        public var domains: Set<String>
        /// A certificate is configured, so STARTTLS can be offered.
        public var tlsAvailable: Bool
        /// Refuse SASL until the stream is encrypted (`tls_required`, default true).
        public var tlsRequired: Bool
        /// Offer PLAIN on unencrypted streams too. Off unless a deployment has TLS
        /// terminated in front of Trellis (the BOSH gateway behind an HTTPS proxy).
        public var allowPLAINWithoutTLS: Bool
        /// Failed SASL attempts a connection may make before it is closed with
        /// `<policy-violation/>`.
        public var maxAuthenticationFailures: Int
        /// Offer XEP-0198 stream management (c2s and WebSocket; not BOSH,
        /// which acknowledges requests itself).
        public var streamManagement: Bool
        /// Source of SCRAM server nonces; replaceable in tests.
        public var makeNonce: @Sendable () -> String

        public init(
            domains: Set<String>, tlsAvailable: Bool, tlsRequired: Bool = true,
            allowPLAINWithoutTLS: Bool = false, maxAuthenticationFailures: Int = 3, streamManagement: Bool = false,
            makeNonce: @escaping @Sendable () -> String = SCRAMServerStateMachine.makeNonce
        ) {
            self.domains = domains
            self.tlsAvailable = tlsAvailable
            self.tlsRequired = tlsRequired
            self.allowPLAINWithoutTLS = allowPLAINWithoutTLS
            self.maxAuthenticationFailures = maxAuthenticationFailures
            self.streamManagement = streamManagement
            self.makeNonce = makeNonce
        }
    }
}
