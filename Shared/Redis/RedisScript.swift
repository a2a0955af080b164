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

    /// Sends `commands` in one pipeline, some of them `EVALSHA`s of `scripts`.
    /// Those the server answers `NOSCRIPT` (first use, or after a restart) are
    /// sent again, once, after loading `scripts`: scripts cost one round trip
    /// only when Redis does not know them yet. Replies in order.
    public func pipeline(_ commands: [[any RESPArgument]], loading scripts: [RedisScript]) async throws -> [RESPValue] {
        var replies = try await pipeline(commands)
        let unknown = replies.indices.filter { index in
            if case .error(let message) = replies[index] { message.hasPrefix("NOSCRIPT") } else { false }
        }
        guard !unknown.isEmpty else { return replies }
        let loads: [[any RESPArgument]] = scripts.map { ["SCRIPT", "LOAD", $0.source] }
        let retried = try await pipeline(loads + unknown.map { commands[$0] })
        for (offset, index) in unknown.enumerated() { replies[index] = retried[loads.count + offset] }
        return replies
    }
}
