import Redis

extension RedisSettings {
    /// The Redis client configuration these settings describe.
    public var clientConfiguration: RedisConfiguration {
        RedisConfiguration(
            host: host, port: port, username: username, password: password, database: database,
            commandTimeout: .milliseconds(commandTimeoutMilliseconds),
            sentinel: sentinels.isEmpty
                ? nil
                : RedisSentinelConfiguration(sentinels: sentinels, masterName: sentinelMaster, password: sentinelPassword),
            replicaWait: waitReplicas == 0
                ? nil : RedisReplicaWait(replicas: waitReplicas, timeout: .milliseconds(waitTimeoutMilliseconds)))
    }
}
