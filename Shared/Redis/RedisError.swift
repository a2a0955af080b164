/// Everything a Redis call can fail with.
public enum RedisError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The server answered with an error reply (`WRONGTYPE …`, `NOSCRIPT …`).
    case server(String)
    /// No connection right now: the client is reconnecting. Fails fast, never queues.
    case disconnected
    /// The connection closed before the reply came.
    case connectionClosed
    /// The reply did not come within the command timeout; the connection is dropped
    /// (a late reply would otherwise be matched to the next command).
    case timeout
    /// The server's bytes broke RESP.
    case protocolError(String)
    /// AUTH or SELECT at connect time failed.
    case handshakeFailed(String)
    /// No sentinel named a master (they are unreachable or do not know the name).
    case masterNotFound(String)
    /// The server a sentinel named is not (or no longer) the master (`ROLE`).
    case notMaster(String)
    /// A reply had an unexpected shape for the helper that read it.
    case unexpectedReply(String)

    /// The error code of a server error: `NOSCRIPT`, `BUSYGROUP`, `WRONGPASS`…
    public var serverCode: String? {
        guard case .server(let message) = self else { return nil }
        return message.split(separator: " ", maxSplits: 1).first.map(String.init)
    }

    public var description: String {
        switch self {
        case .server(let message): "redis error: \(message)"
        case .disconnected: "redis disconnected"
        case .connectionClosed: "redis connection closed"
        case .timeout: "redis command timed out"
        case .protocolError(let text): "redis protocol error: \(text)"
        case .handshakeFailed(let text): "redis handshake failed: \(text)"
        case .masterNotFound(let text): "no redis master found through the sentinels: \(text)"
        case .notMaster(let address): "redis at \(address) is not the master"
        case .unexpectedReply(let text): "unexpected redis reply: \(text)"
        }
    }
}
