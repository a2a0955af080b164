import ArgumentParser
import Cluster
import Redis

/// `trellisctl sessions list`: every node's `node:{id}:sessions`, with each
/// session's record from `sessions:{bare}`.
struct SessionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions", abstract: "Inspect live client sessions.", subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the sessions the nodes host.",
            discussion: "Columns (tab-separated): full JID, node id, the session record as stored (or '-').")

        @OptionGroup var cluster: ClusterOptions
        @Option(help: "Only this node's sessions.") var node: String?

        func run() async throws {
            try await cluster.withRedis { redis, keys in
                var ids = node.map { [$0] } ?? []
                if node == nil {
                    ids = (try await redis.send("SMEMBERS", keys.nodes).array ?? []).compactMap(\.string).sorted()
                }
                for id in ids {
                    guard let node = NodeID(id) else { continue }
                    let jids = (try await redis.send("SMEMBERS", keys.nodeSessions(node)).array ?? []).compactMap(\.string)
                    for jid in jids.sorted() {
                        let parts = jid.split(separator: "/", maxSplits: 1).map(String.init)
                        let record = parts.count == 2
                            ? try await redis.send("HGET", keys.sessions(bare: parts[0]), parts[1]).string : nil
                        print("\(jid)\t\(id)\t\(record ?? "-")")
                    }
                }
            }
        }
    }
}
