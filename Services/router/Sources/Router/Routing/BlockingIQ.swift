import Cluster
import ClusterIO
import XMPPCore

/// XEP-0191 blocking command, for the user's own account (no `to`, or the
/// user's bare JID): the block list get (§3.2), block (§3.3), unblock (§3.4)
/// and unblock all (§3.5). Storage keeps the list and its Redis cache; the
/// router answers, pushes the change and sends the presence that follows it
/// (BlockingPresence.swift).
extension RoutingPass {
    mutating func handleBlocking(_ type: IQType, payload: XMLElement) async throws {
        let command: BlockingCommand
        do {
            command = try BlockingCommand(type: type, payload: payload)
        } catch {
            bounce(error)
            return
        }
        do {
            switch command {
            case .retrieve:
                // From storage, like the roster: the answer a client builds its view on.
                let result = try await storage(.blockListGet, ["user": sender.bare.description])
                replyResult(BlockingCommand.element("blocklist", items: result["items"]?.list?.compactMap(\.string) ?? []))
            case .block(let jids):
                let change = try await changeBlockList(.blockListBlock, jids)
                replyResult()
                await pushBlockListChange(BlockingCommand.element("block", items: jids.map(\.description)))
                try await withdrawPresence(after: change)
            case .unblock(let jids):
                let change = try await changeBlockList(.blockListUnblock, jids)
                replyResult()
                // §3.5: an unblock without items is pushed as it was sent.
                await pushBlockListChange(BlockingCommand.element("unblock", items: jids.map(\.description)))
                try await restorePresence(after: change)
            }
        } catch let error as StorageCallError {
            bounce(error.stanzaError)
        }
    }

    /// Asks storage for the change, and makes the rest of the batch see the
    /// new list: a stanza the user sends after the block, in the same batch,
    /// is checked against it.
    private mutating func changeBlockList(_ operation: StorageOperation, _ jids: [JID]) async throws -> BlockListChange {
        let result = try await storage(
            operation, ["user": sender.bare.description, "items": BlockListChange.itemsArgument(jids.map(\.description))])
        guard let change = BlockListChange(result: result) else {
            throw StorageCallError.refused(StanzaError(.internalServerError))
        }
        lookups.replaceBlockList(of: sender.bare, with: BlockList(normalized: change.items))
        return change
    }

    /// §3.3–§3.5: the change goes to every resource of the user that
    /// retrieved the block list (the gateway marks the session record when
    /// it does, as it does for the roster), the one that made it included.
    private mutating func pushBlockListChange(_ payload: XMLElement) async {
        for (resource, record) in await sessions(of: sender.bare).sorted(by: { $0.key < $1.key }) where record.blocklist {
            guard let full = try? sender.bare.with(resource: resource) else { continue }
            push(payload, to: full, node: record.node)
        }
    }
}
