/// Redis Sentinel discovery: the pure parts (addresses, replies, the order in
/// which sentinels are asked). `RedisMasterLocator` does the asking.
///
/// A client configured with sentinels never connects to a fixed address: before
/// every connect it asks the sentinels in turn `SENTINEL get-master-addr-by-name
/// <name>`, connects to the address the first one that knows returns, and then
/// checks with `ROLE` that the server really is the master (a sentinel may not
/// have noticed a failover yet). See docs/redis-client.md, "Sentinel".
public struct RedisServerAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port` (`[v6]:port` too); `nil` for anything else.
    public init?(parsing text: String) {
        let trimmed = String(text.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
        guard let colon = trimmed.lastIndex(of: ":") else { return nil }
        var host = String(trimmed[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, let port = Int(trimmed[trimmed.index(after: colon)...]), (1...65535).contains(port) else {
            return nil
        }
        self.init(host: host, port: port)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// Where to find the sentinels and which master to ask them for.
public struct RedisSentinelConfiguration: Sendable, Hashable {
    public var sentinels: [RedisServerAddress]
    /// The name the sentinels monitor the master under (`sentinel monitor <name> …`).
    public var masterName: String
    /// Sentinel password (`requirepass` in the sentinels' config); unset when they need none.
    public var password: String?

    public init(sentinels: [RedisServerAddress], masterName: String = "trellis", password: String? = nil) {
        self.sentinels = sentinels
        self.masterName = masterName
        self.password = password
    }
}

enum RedisSentinelReply {
    /// `SENTINEL get-master-addr-by-name` answers `[ip, port]`, or a null when
    /// the sentinel does not know the name.
    static func masterAddress(_ reply: RESPValue) -> RedisServerAddress? {
        guard let parts = reply.array, parts.count == 2, let host = parts[0].string, !host.isEmpty,
            let portText = parts[1].string, let port = Int(portText), (1...65535).contains(port)
        else { return nil }
        return RedisServerAddress(host: host, port: port)
    }

    /// `ROLE`'s first element: `master`, `slave` or `sentinel`.
    static func isMaster(_ reply: RESPValue) -> Bool {
        reply.array?.first?.string == "master"
    }
}

/// The order in which sentinels are asked: starting with the one that answered
/// last (it is probably still up), then the others in configured order. Like
/// the Sentinel client guidelines say, a sentinel that answered goes first next
/// time, so one dead sentinel costs a connect timeout once, not at every connect.
struct RedisSentinelRotation: Sendable {
    let count: Int
    private(set) var preferred = 0

    init(count: Int) {
        self.count = count
    }

    /// Indices into the sentinel list, in the order to try them.
    var order: [Int] {
        guard count > 0 else { return [] }
        return (0..<count).map { (preferred + $0) % count }
    }

    mutating func answered(_ index: Int) {
        guard (0..<count).contains(index) else { return }
        preferred = index
    }
}
