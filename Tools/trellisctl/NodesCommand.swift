import ArgumentParser
import Cluster
import Foundation
import Redis

/// `trellisctl nodes list`: the `nodes` set and each `node:{id}` record.
struct NodesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nodes", abstract: "Inspect the cluster's nodes.", subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the nodes that announced themselves.",
            discussion: """
                Columns (tab-separated): id, role, address, admin address, vroute, start time (UTC). \
                A node listed in 'nodes' whose record has expired (it died) shows 'expired'.
                """)

        @OptionGroup var cluster: ClusterOptions

        func run() async throws {
            try await cluster.withRedis { redis, keys in
                let ids = (try await redis.send("SMEMBERS", keys.nodes).array ?? []).compactMap(\.string).sorted()
                for id in ids {
                    guard let node = NodeID(id) else { continue }
                    let fields = try await redis.send("HGETALL", keys.node(node)).fieldDictionary ?? [:]
                    guard let record = NodeRecord(fields: fields) else {
                        print("\(id)\texpired")
                        continue
                    }
                    let started = Date(timeIntervalSince1970: TimeInterval(record.startedAt))
                    print([
                        id, record.role.rawValue, record.address ?? "-", record.adminAddress ?? "-", record.vroute ?? "-",
                        started.formatted(.iso8601),
                    ].joined(separator: "\t"))
                }
            }
        }
    }
}
