/// Anything that sends Redis commands: the client's shared connection or a
/// dedicated `RedisConnection`. The stream and script helpers are written once,
/// against this protocol.
public protocol RedisCommandSender: Sendable {
    func send(_ arguments: [any RESPArgument]) async throws -> RESPValue
    func pipeline(_ commands: [[any RESPArgument]]) async throws -> [RESPValue]
}

extension RedisClient: RedisCommandSender {}
extension RedisConnection: RedisCommandSender {}

extension RedisCommandSender {
    /// `MULTI` … `EXEC` in one write. Returns the results of the queued commands;
    /// throws when the transaction was aborted or a command could not be queued.
    public func transaction(_ commands: [[any RESPArgument]]) async throws -> [RESPValue] {
        let replies = try await pipeline([["MULTI"]] + commands + [["EXEC"]])
        for reply in replies.dropLast() {
            if case .error(let message) = reply { throw RedisError.server(message) }
        }
        switch replies.last {
        case .array(let results)?: return results
        case .error(let message)?: throw RedisError.server(message)
        default: throw RedisError.unexpectedReply("EXEC returned \(String(describing: replies.last))")
        }
    }
}
