import Cluster
import Logging
import Redis

/// Start-up check: a replica that sets no `vroute` cookie cannot be routed to
/// by nginx, which is harmless alone and breaks sessions beside other replicas
/// (their requests land anywhere and get `item-not-found`). Warns when other
/// bosh-gateway nodes are registered (`nodes` + `node:{id}` role).
enum VRouteWarning {
    static let message: Logger.Message = "vroute sticky session cookie not set"

    /// The ids of the other live bosh-gateway nodes.
    static func otherGateways(redis: any RedisCommandSender, keys: ClusterKeys, node: NodeID) async throws -> [String] {
        let members = try await redis.send(["SMEMBERS", keys.nodes]).array?.compactMap(\.string) ?? []
        let others = members.filter { $0 != node.rawValue }.sorted().compactMap(NodeID.init)
        guard !others.isEmpty else { return [] }
        let roles = try await redis.pipeline(others.map { ["HGET", keys.node($0), "role"] })
        return zip(others, roles).filter { $0.1.string == NodeRole.boshGateway.rawValue }.map(\.0.rawValue)
    }

    /// Logs the warning if other gateways are registered; Redis trouble is logged and otherwise ignored.
    static func check(redis: any RedisCommandSender, keys: ClusterKeys, node: NodeID, logger: Logger) async {
        do {
            let others = try await otherGateways(redis: redis, keys: keys, node: node)
            guard !others.isEmpty else { return }
            logger.warning(
                message,
                metadata: [
                    "bosh.other_gateways": .array(others.map { .string($0) }),
                    "hint": "set vroute, or vroute_network when bosh.host is 0.0.0.0",
                ])
        } catch {
            logger.debug("could not list gateways for the vroute check", metadata: ["error": "\(error)"])
        }
    }
}
