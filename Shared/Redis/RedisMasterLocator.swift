import NIOCore
import Synchronization

/// Finds the current master through Redis Sentinel, before every connect.
///
/// Asks the sentinels in turn (`RedisSentinelRotation`: the last one that
/// answered first) `SENTINEL get-master-addr-by-name <name>` on a short-lived
/// connection and returns the first address one knows. The caller connects
/// there and checks `ROLE`; a sentinel that has not noticed a failover yet
/// makes that check fail, and the reconnect loop asks again after its backoff.
public final class RedisMasterLocator: Sendable {
    public let configuration: RedisSentinelConfiguration
    private let rotation: Mutex<RedisSentinelRotation>

    public init(configuration: RedisSentinelConfiguration) {
        self.configuration = configuration
        self.rotation = Mutex(RedisSentinelRotation(count: configuration.sentinels.count))
    }

    /// The master's address as the first sentinel that knows it says. Throws
    /// `RedisError.masterNotFound` when none answers with an address.
    public func locate(
        timeouts: RedisConfiguration, eventLoopGroup: any EventLoopGroup
    ) async throws -> RedisServerAddress {
        var failures: [String] = []
        for index in rotation.withLock({ $0.order }) {
            let sentinel = configuration.sentinels[index]
            var asSentinel = RedisConfiguration(
                host: sentinel.host, port: sentinel.port, password: configuration.password,
                connectTimeout: timeouts.connectTimeout, commandTimeout: timeouts.commandTimeout)
            asSentinel.sentinel = nil
            do {
                let connection = try await RedisConnection.open(asSentinel, onPush: nil, eventLoopGroup: eventLoopGroup)
                defer { connection.close() }
                let reply = try await connection.send(["SENTINEL", "get-master-addr-by-name", configuration.masterName])
                guard let master = RedisSentinelReply.masterAddress(reply) else {
                    failures.append("\(sentinel): does not know \(configuration.masterName)")
                    continue
                }
                rotation.withLock { $0.answered(index) }
                return master
            } catch {
                failures.append("\(sentinel): \(error)")
            }
        }
        throw RedisError.masterNotFound(failures.joined(separator: "; "))
    }
}
