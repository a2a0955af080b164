/// One entry of a Redis stream.
public struct RedisStreamEntry: Sendable, Hashable {
    public var id: String
    public var fields: [(String, String)]

    public init(id: String, fields: [(String, String)]) {
        self.id = id
        self.fields = fields
    }

    public subscript(field: String) -> String? {
        fields.first { $0.0 == field }?.1
    }

    public static func == (lhs: RedisStreamEntry, rhs: RedisStreamEntry) -> Bool {
        lhs.id == rhs.id && lhs.fields.elementsEqual(rhs.fields, by: ==)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        for (key, value) in fields {
            hasher.combine(key)
            hasher.combine(value)
        }
    }

    /// Parses `[id, [field, value, …]]`; `nil` for an entry deleted meanwhile.
    public init?(reply: RESPValue) {
        guard let parts = reply.array, parts.count == 2, let id = parts[0].string, let flat = parts[1].array else {
            return nil
        }
        var fields: [(String, String)] = []
        fields.reserveCapacity(flat.count / 2)
        var index = 0
        while index + 1 < flat.count {
            fields.append((flat[index].string ?? "", flat[index + 1].string ?? ""))
            index += 2
        }
        self.init(id: id, fields: fields)
    }
}

/// The entries of one stream in an `XREADGROUP` reply.
public struct RedisStreamBatch: Sendable, Hashable {
    public var stream: String
    public var entries: [RedisStreamEntry]
}

extension RedisCommandSender {
    /// `XADD key [MAXLEN ~ n] * field value …`; returns the new id.
    @discardableResult
    public func xadd(_ key: String, maxLength: Int? = nil, fields: [(String, String)]) async throws -> String {
        guard let id = try await send(RedisStreamCommand.xadd(key, maxLength: maxLength, fields: fields)).string else {
            throw RedisError.unexpectedReply("XADD")
        }
        return id
    }

    /// `XGROUP CREATE key group id MKSTREAM`; an existing group is fine.
    public func xgroupCreate(_ key: String, group: String, startAt id: String = "0") async throws {
        do {
            _ = try await send(["XGROUP", "CREATE", key, group, id, "MKSTREAM"])
        } catch let error as RedisError where error.serverCode == "BUSYGROUP" {
            return
        }
    }

    /// `XACK key group id …`; returns how many were acknowledged.
    @discardableResult
    public func xack(_ key: String, group: String, ids: [String]) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        let reply = try await send(["XACK", key, group] + ids.map { $0 as any RESPArgument })
        return Int(reply.int ?? 0)
    }

    /// `XREADGROUP GROUP g c COUNT n STREAMS k… id…` without blocking. Use id `>`
    /// for new entries and `0` for this consumer's pending ones.
    public func xreadgroup(
        group: String, consumer: String, streams: [(key: String, id: String)], count: Int
    ) async throws -> [RedisStreamBatch] {
        try Self.parseBatches(await send(Self.xreadgroupArguments(group, consumer, streams, count, block: nil)))
    }

    /// `XAUTOCLAIM key group consumer min-idle start COUNT n`: takes over entries
    /// pending for longer than `minIdle` (from a dead consumer). Returns the cursor
    /// to continue from (`0-0` when done) and the claimed entries.
    public func xautoclaim(
        _ key: String, group: String, consumer: String, minIdle: Duration, start: String = "0-0", count: Int = 100
    ) async throws -> (next: String, entries: [RedisStreamEntry]) {
        let milliseconds = minIdle.components.seconds * 1000 + minIdle.components.attoseconds / 1_000_000_000_000_000
        let reply = try await send(["XAUTOCLAIM", key, group, consumer, Int(milliseconds), start, "COUNT", count])
        guard let parts = reply.array, parts.count >= 2, let next = parts[0].string, let list = parts[1].array else {
            throw RedisError.unexpectedReply("XAUTOCLAIM")
        }
        return (next, list.compactMap(RedisStreamEntry.init(reply:)))
    }

    static func xreadgroupArguments(
        _ group: String, _ consumer: String, _ streams: [(key: String, id: String)], _ count: Int, block: Duration?
    ) -> [any RESPArgument] {
        var arguments: [any RESPArgument] = ["XREADGROUP", "GROUP", group, consumer, "COUNT", count]
        if let block {
            arguments += ["BLOCK", Int(block.components.seconds * 1000 + block.components.attoseconds / 1_000_000_000_000_000)]
        }
        arguments.append("STREAMS")
        arguments += streams.map { $0.key as any RESPArgument }
        arguments += streams.map { $0.id as any RESPArgument }
        return arguments
    }

    static func parseBatches(_ reply: RESPValue) throws -> [RedisStreamBatch] {
        if reply.isNull { return [] }
        guard let streams = reply.array else { throw RedisError.unexpectedReply("XREADGROUP") }
        return streams.compactMap { stream in
            guard let parts = stream.array, parts.count == 2, let key = parts[0].string, let entries = parts[1].array else {
                return nil
            }
            return RedisStreamBatch(stream: key, entries: entries.compactMap(RedisStreamEntry.init(reply:)))
        }
    }
}

extension RedisConnection {
    /// `XREADGROUP … BLOCK ms …` on this (dedicated) connection.
    public func xreadgroup(
        group: String, consumer: String, streams: [(key: String, id: String)], count: Int, block: Duration
    ) async throws -> [RedisStreamBatch] {
        let arguments = Self.xreadgroupArguments(group, consumer, streams, count, block: block)
        return try Self.parseBatches(await sendBlocking(arguments, blockFor: block))
    }

    /// `MULTI` `commands` `EXEC`, then `XREADGROUP … BLOCK ms …`, in one write:
    /// a consumer acknowledges what it handled and waits for more in a single
    /// round trip. Throws, reading nothing, when the transaction fails.
    public func xreadgroup(
        after commands: [[any RESPArgument]], group: String, consumer: String, streams: [(key: String, id: String)],
        count: Int, block: Duration
    ) async throws -> [RedisStreamBatch] {
        guard !commands.isEmpty else {
            return try await xreadgroup(group: group, consumer: consumer, streams: streams, count: count, block: block)
        }
        let read = Self.xreadgroupArguments(group, consumer, streams, count, block: block)
        let replies = try await sendRaw(RedisTransaction.wrap(commands) + [read], extraTime: block)
        _ = try RedisTransaction.results(replies.dropLast())
        if case .error(let message) = replies[replies.count - 1] { throw RedisError.server(message) }
        return try Self.parseBatches(replies[replies.count - 1])
    }

    /// `BLPOP key … timeout` on this (dedicated) connection: `(key, value)` or `nil`
    /// on timeout.
    public func blpop(_ keys: [String], timeout: Duration) async throws -> (key: String, value: String)? {
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        let reply = try await sendBlocking(["BLPOP"] + keys.map { $0 as any RESPArgument } + [String(seconds)], blockFor: timeout)
        guard let pair = reply.array, pair.count == 2, let key = pair[0].string, let value = pair[1].string else { return nil }
        return (key, value)
    }
}

/// Stream commands as arguments, for callers that queue them in a pipeline or
/// a transaction instead of sending them alone.
public enum RedisStreamCommand {
    /// `XADD key [MAXLEN ~ n] * field value …`
    public static func xadd(_ key: String, maxLength: Int? = nil, fields: [(String, String)]) -> [any RESPArgument] {
        var arguments: [any RESPArgument] = ["XADD", key]
        if let maxLength { arguments += ["MAXLEN", "~", maxLength] }
        arguments.append("*")
        for (field, value) in fields { arguments += [field, value] }
        return arguments
    }
}
