import Cluster

/// Block lists (XEP-0191).
extension StorageClient {
    /// The JIDs `user` blocked, normalised and sorted, from storage.
    public func blockList(user: String) async throws(StorageClientError) -> [String] {
        guard let items = try await result(.blockListGet, arguments: ["user": user])["items"]?.list else {
            throw .malformedReply("blocklist.get")
        }
        return items.compactMap(\.string)
    }

    /// Blocks `jids` (at least one); over `storage.blocklist_max_items` storage
    /// refuses with `policy-violation` and blocks none of them.
    public func block(user: String, jids: [String]) async throws(StorageClientError) -> BlockListChange {
        try await change(.blockListBlock, user: user, jids: jids)
    }

    /// Unblocks `jids`; an empty list unblocks every JID (XEP-0191 §3.5).
    public func unblock(user: String, jids: [String]) async throws(StorageClientError) -> BlockListChange {
        try await change(.blockListUnblock, user: user, jids: jids)
    }

    private func change(
        _ operation: StorageOperation, user: String, jids: [String]
    ) async throws(StorageClientError) -> BlockListChange {
        let arguments = ["user": user, "items": BlockListChange.itemsArgument(jids)]
        guard let change = BlockListChange(result: try await result(operation, arguments: arguments)) else {
            throw .malformedReply(operation.rawValue)
        }
        return change
    }
}
