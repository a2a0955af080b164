import Cluster
import XMPPCore

/// The keyspace-notification channels the account cache listens to, and what
/// a notification on one of them means (pure; `AccountCacheInvalidation`
/// subscribes).
struct KeyspaceChannels: Sendable {
    /// What a notification says changed.
    enum Change: Equatable {
        /// This router's own probe key: notifications reach the subscription.
        case probe
        /// The sessions or the block list of one account.
        case account(JID)
        /// Possibly every account (`blocklist:ready`, or a key that names no JID).
        case everything
    }

    let keys: ClusterKeys
    /// `__keyspace@<db>__:`
    let channelPrefix: String
    /// The key whose change proves the subscription hears notifications.
    let probeKey: String

    init(keys: ClusterKeys, database: Int, probeOwner: String) {
        self.keys = keys
        self.channelPrefix = "__keyspace@\(database)__:"
        self.probeKey = keys.sessions(bare: Self.probeMarker + probeOwner)
    }

    /// Not a JID's first characters: a bare JID never starts with `#!`.
    static let probeMarker = "#!probe:"

    var channels: [String] { [channelPrefix + keys.blockListsReady] }

    var patterns: [String] {
        [
            Self.escapingGlob(channelPrefix + keys.sessions(bare: "")).dropLast() + "*}",
            Self.escapingGlob(channelPrefix + keys.blockList(bare: "")).dropLast() + "*}",
        ].map(String.init)
    }

    /// What a notification on `channel` means; `nil` for a channel not ours
    /// (another router's probe).
    func change(of channel: String) -> Change? {
        guard channel.hasPrefix(channelPrefix) else { return nil }
        let key = channel.dropFirst(channelPrefix.count)
        if key == probeKey { return .probe }
        if key == keys.blockListsReady { return .everything }
        for account in [keys.sessions(bare: ""), keys.blockList(bare: "")] {
            let start = account.dropLast()  // "…sessions:{"
            guard key.hasPrefix(start), key.hasSuffix("}") else { continue }
            let bare = key.dropFirst(start.count).dropLast()
            if bare.hasPrefix(Self.probeMarker) { return nil }
            guard let jid = try? JID(String(bare)) else { return .everything }
            return .account(jid.bare)
        }
        return .everything
    }

    /// `current` (a `notify-keyspace-events` value) with every class of
    /// `required` added; `A` already stands for every type class but `K`/`E`.
    static func flags(adding required: String, to current: String) -> String {
        let everyType = Set("g$lshzxet")
        var flags = current
        for flag in required where !flags.contains(flag) {
            if flag != "K", flag != "E", everyType.contains(flag), flags.contains("A") { continue }
            flags.append(flag)
        }
        return flags
    }

    /// `text` with Redis glob's special characters escaped.
    static func escapingGlob(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if "*?[]\\".contains(character) { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}
