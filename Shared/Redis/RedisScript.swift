import Crypto

/// A Lua script run with `EVALSHA`, loaded on demand: when the server answers
/// `NOSCRIPT` (first use, or after a restart or `SCRIPT FLUSH`), the script is
/// loaded and the call retried once.
public struct RedisScript: Sendable, Hashable {
    public let source: String
    /// Lower-case hex SHA-1 of the source, as Redis names scripts.
    public let sha1: String

    public init(_ source: String) {
        self.source = source
        self.sha1 = Insecure.SHA1.hash(data: Array(source.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}

extension RedisCommandSender {
    /// Runs `script` with `keys` and `arguments`.
    public func evaluate(_ script: RedisScript, keys: [String] = [], arguments: [any RESPArgument] = []) async throws -> RESPValue {
        let tail: [any RESPArgument] = [keys.count] + keys.map { $0 as any RESPArgument } + arguments
        do {
            return try await send(["EVALSHA", script.sha1] + tail)
        } catch let error as RedisError where error.serverCode == "NOSCRIPT" {
            _ = try await send(["SCRIPT", "LOAD", script.source])
            return try await send(["EVALSHA", script.sha1] + tail)
        }
    }
}
