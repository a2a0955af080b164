import Runtime

extension GatewayNode {
    /// The gateway node of a c2s or bosh-gateway process, from its configuration.
    public init(context: TrellisContext) {
        let configuration = context.configuration
        self.init(
            redis: context.redis, keys: context.keys, node: context.nodeID, partitions: configuration.router.partitions,
            maxResourcesPerAccount: configuration.limits.maxResourcesPerAccount,
            maxAuthenticationFailuresPerAccount: configuration.limits.maxAuthenticationFailuresPerAccount,
            authenticationFailureWindowSeconds: configuration.limits.authenticationFailureWindowSeconds,
            streamManagementMaxSeconds: configuration.limits.streamManagementMaxSeconds,
            maxOutboundBytes: configuration.limits.maxOutboundBytes, routeLagHigh: configuration.limits.routeLagHigh,
            routeLagLow: configuration.limits.routeLagLow,
            storageTimeout: .milliseconds(configuration.common.storageRequestTimeoutMilliseconds),
            recordRecreations: context.recordRecreations.events(), logger: context.logger)
    }
}
