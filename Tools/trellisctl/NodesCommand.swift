import ArgumentParser
import Cluster
import Foundation
import Redis
import Runtime

/// `trellisctl nodes list`: the `nodes` set and each `node:{id}` record.
struct NodesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nodes", abstract: "Inspect the cluster's nodes.", subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the nodes that announced themselves.",
            discussion: """
                Columns (tab-separated): id, role, address, admin address, vroute, start time (UTC), \
                settings hash. A node listed in 'nodes' whose record has expired (it died) shows 'expired'. \
                A node whose cluster-wide settings differ from the most common ones gets a last column \
                'drift:' with the settings that differ (docs/clustering.md, "One configuration").
                """)

        @OptionGroup var cluster: ClusterOptions

        func run() async throws {
            try await cluster.withRedis { redis, keys in
                let ids = (try await redis.send("SMEMBERS", keys.nodes).array ?? []).compactMap(\.string).sorted()
                var records: [(String, NodeRecord?)] = []
                for id in ids {
                    guard let node = NodeID(id) else { continue }
                    let fields = try await redis.send("HGETALL", keys.node(node)).fieldDictionary ?? [:]
                    records.append((id, NodeRecord(fields: fields)))
                }
                let common = Self.mostCommonSettings(records.compactMap(\.1))
                for (id, record) in records {
                    guard let record else {
                        print("\(id)\texpired")
                        continue
                    }
                    let started = Date(timeIntervalSince1970: TimeInterval(record.startedAt))
                    var columns = [
                        id, record.role.rawValue, record.address ?? "-", record.adminAddress ?? "-", record.vroute ?? "-",
                        started.formatted(.iso8601), record.settingsHash ?? "-",
                    ]
                    if let common, let settings = record.settings, record.settingsHash != common.hash {
                        columns.append(
                            "drift:" + ClusterSettings(encoded: settings).differences(from: ClusterSettings(encoded: common.settings))
                                .joined(separator: ","))
                    }
                    print(columns.joined(separator: "\t"))
                }
            }
        }

        /// The settings most live nodes run with.
        static func mostCommonSettings(_ records: [NodeRecord]) -> (hash: String, settings: String)? {
            var counts: [String: (count: Int, settings: String)] = [:]
            for record in records {
                guard let hash = record.settingsHash, let settings = record.settings else { continue }
                counts[hash, default: (0, settings)].count += 1
            }
            return counts.max { ($0.value.count, $1.key) < ($1.value.count, $0.key) }.map { ($0.key, $0.value.settings) }
        }
    }
}
