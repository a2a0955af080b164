import Redis

/// Writes a whole Redis cache from the database before its readers may trust
/// it (`waiting:{bare}` flags, `blocklist:{bare}` sets): each entry's
/// commands, in pipelines of bounded size, then the key that tells readers the
/// cache is complete (`waiting:ready`, `blocklist:ready`).
enum CacheRebuild {
    /// Commands per pipeline, so a large cache is not one huge write.
    static let pipelineSize = 512

    static func write(
        _ entries: some Sequence<[[any RESPArgument]]>, thenSet ready: String, to redis: any RedisCommandSender
    ) async throws {
        var commands: [[any RESPArgument]] = []
        for entry in entries {
            commands += entry
            if commands.count >= pipelineSize {
                _ = try await redis.pipelineExpectingSuccess(commands)
                commands = []
            }
        }
        commands.append(["SET", ready, "1"])
        _ = try await redis.pipelineExpectingSuccess(commands)
    }
}
