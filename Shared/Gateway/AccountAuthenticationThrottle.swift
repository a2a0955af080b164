import Cluster
import Redis

/// Failed SASL attempts per account, counted in Redis so that they add up across
/// connections and gateways (`authfail:{bare}`, an `INCR` whose TTL is the
/// window, set by the first failure). Once an account has `limit` failures in
/// the window, further attempts are refused without looking at the password
/// (`<temporary-auth-failure/>`, RFC 6120 §6.5.12), so guessing a password from
/// many connections goes no faster than from one. A success clears the count.
public struct AccountAuthenticationThrottle: Sendable {
    let redis: any RedisCommandSender
    let keys: ClusterKeys
    public let limit: Int
    public let windowSeconds: Int

    public init(redis: any RedisCommandSender, keys: ClusterKeys, limit: Int, windowSeconds: Int) {
        self.redis = redis
        self.keys = keys
        self.limit = limit
        self.windowSeconds = windowSeconds
    }

    /// Whether `account` (a bare JID) may try now. Throws when Redis cannot say.
    public func mayTry(_ account: String) async throws -> Bool {
        let count = try await redis.send(["GET", keys.authenticationFailures(bare: account)]).int ?? 0
        return count < limit
    }

    /// Counts one failure of `account`.
    public func recordFailure(_ account: String) async throws {
        _ = try await redis.evaluate(
            Self.recordScript, keys: [keys.authenticationFailures(bare: account)], arguments: [windowSeconds])
    }

    /// Forgets `account`'s failures after a success.
    public func reset(_ account: String) async throws {
        _ = try await redis.send(["DEL", keys.authenticationFailures(bare: account)])
    }

    // KEYS: authfail:{bare}. ARGV: window seconds. The window starts at the first failure.
    static let recordScript = RedisScript(
        """
        local count = redis.call('INCR', KEYS[1])
        if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
        return count
        """)
}
