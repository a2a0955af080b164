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
        try RedisTransaction.results(try await pipeline(RedisTransaction.wrap(commands)))
    }

    /// `MULTI` … `EXEC` and then `next` (a `WAIT`, say) in one write: the
    /// transaction's results and `next`'s reply.
    public func transaction(
        _ commands: [[any RESPArgument]], followedBy next: [any RESPArgument]
    ) async throws -> (results: [RESPValue], next: RESPValue) {
        let replies = try await pipeline(RedisTransaction.wrap(commands) + [next])
        return (try RedisTransaction.results(replies.dropLast()), replies[replies.count - 1])
    }

    /// Sends commands in one write like `pipeline`, for callers that need every
    /// one to succeed: the first error reply throws `RedisError.server`.
    public func pipelineExpectingSuccess(_ commands: [[any RESPArgument]]) async throws -> [RESPValue] {
        let replies = try await pipeline(commands)
        for reply in replies {
            if case .error(let message) = reply { throw RedisError.server(message) }
        }
        return replies
    }
}

/// `MULTI` … `EXEC` as commands and replies, for the transaction helpers that
/// send it alone or ahead of another command in the same write.
enum RedisTransaction {
    static func wrap(_ commands: [[any RESPArgument]]) -> [[any RESPArgument]] {
        [["MULTI"]] + commands + [["EXEC"]]
    }

    /// The results of the queued commands, from the replies to `wrap(commands)`
    /// (`OK`, one `QUEUED` per command, the `EXEC` array).
    static func results(_ replies: some BidirectionalCollection<RESPValue>) throws -> [RESPValue] {
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
