import Cluster
import ClusterIO
import Gateway
import Synchronization
import XMPPCore
@testable import Router

/// A `RoutingContext` over in-memory tables: the cluster as a rule sees it,
/// for rule tests without Redis or storage.
final class TableRoutingContext: RoutingContext, Sendable {
    let domains: Set<String> = ["example.com"]
    var archiving: Bool { tables.withLock { $0.archiving } }
    private let tables = Mutex(Tables())

    struct Tables {
        var sessions: [String: [String: SessionRecord]] = [:]
        var rosters: [String: [RosterContact]] = [:]
        var accounts: Set<String> = []
        var offline: [String: [String]] = [:]
        var offlineCap = 100
        var requests: [(StorageOperation, [String: String], String)] = []
        var storageDown = false
        var directed: [String: [String]] = [:]
        var waitingUnknown = false
        var blockLists: [String: [String]] = [:]
        var blockListMax = 1000
        var archiving = true
        var archivePage = ArchivePage(messages: [], complete: true, count: 0, firstIndex: 0)
        var archiveFailure: String?
        var subscriptionOutcome: SubscriptionOutcome?
        var loginWhileStorageAnswers: String?
    }

    /// What `subscription.apply` answers, whatever the request.
    func answerSubscriptions(_ outcome: SubscriptionOutcome) { tables.withLock { $0.subscriptionOutcome = outcome } }

    /// Makes the session `jid` (full) available when storage is next asked
    /// anything: a login routed on another partition meanwhile.
    func logInWhileStorageAnswers(_ jid: String) { tables.withLock { $0.loginWhileStorageAnswers = jid } }

    func setArchiving(_ on: Bool) { tables.withLock { $0.archiving = on } }

    /// What `archive.query` answers (any query), and `archive.metadata` (its
    /// first and last message).
    func setArchivePage(_ page: ArchivePage) { tables.withLock { $0.archivePage = page } }

    /// Makes `archive.query` fail with `condition`.
    func setArchiveFailure(_ condition: String?) { tables.withLock { $0.archiveFailure = condition } }

    func setDirected(_ sender: String, _ recipients: [String]) { tables.withLock { $0.directed[sender] = recipients } }

    func directedPresenceRecipients(of sender: JID) async throws -> [JID] {
        tables.withLock { $0.directed[sender.description] ?? [] }.compactMap { try? JID($0) }
    }

    /// Binds `jid` (full) on `node`.
    func bind(
        _ jid: String, node: String = "c2s-1", available: Bool = true, priority: Int = 0, carbons: Bool = false,
        blocklist: Bool = false
    ) {
        let full = try! JID(jid)
        let record = Self.record(
            of: jid, node: node, available: available, priority: priority, carbons: carbons, blocklist: blocklist)
        tables.withLock {
            $0.accounts.insert(full.bare.description)
            $0.sessions[full.bare.description, default: [:]][full.resourcepart!] = record
        }
    }

    /// The registry record `bind` writes for `jid` (full).
    static func record(
        of jid: String, node: String, available: Bool = true, priority: Int = 0, carbons: Bool = false,
        blocklist: Bool = false
    ) -> SessionRecord {
        let presence = available ? "<presence from='\(jid)'><priority>\(priority)</priority></presence>" : nil
        return SessionRecord(
            node: node, session: "s-\(jid)", priority: priority, available: available, interested: true, presence: presence,
            carbons: carbons, blocklist: blocklist)
    }

    func addAccount(_ bare: String) { tables.withLock { _ = $0.accounts.insert(bare) } }

    func setRoster(_ user: String, _ contacts: [(String, SubscriptionState)]) {
        tables.withLock { $0.rosters[user] = contacts.map { RosterContact(jid: try! JID($0.0), state: $0.1) } }
    }

    /// What `user` blocked (XEP-0191), normalised as storage keeps it.
    func setBlockList(_ user: String, _ items: [String]) {
        tables.withLock { $0.blockLists[user] = items.map { try! JID($0).description }.sorted() }
    }

    func setBlockListMax(_ max: Int) { tables.withLock { $0.blockListMax = max } }

    func blockListItems(_ user: String) -> [String] { tables.withLock { $0.blockLists[user] ?? [] } }

    func blockList(of user: JID) async throws -> BlockList {
        BlockList(normalized: tables.withLock { $0.blockLists[user.bare.description] ?? [] })
    }

    func setStorageDown(_ down: Bool) { tables.withLock { $0.storageDown = down } }
    func offline(_ user: String) -> [String] { tables.withLock { $0.offline[user] ?? [] } }
    var requests: [(StorageOperation, [String: String], String)] { tables.withLock { $0.requests } }

    func sessions(of user: JID) async throws -> [String: SessionRecord] {
        tables.withLock { $0.sessions[user.bare.description] ?? [:] }
    }

    func roster(of user: JID) async throws -> [RosterContact] {
        if tables.withLock({ $0.storageDown }) { throw StorageCallError.timedOut }
        return tables.withLock { $0.rosters[user.bare.description] ?? [] }
    }

    func pendingSubscriptionRequests(to user: JID) async throws -> [JID] {
        if tables.withLock({ $0.storageDown }) { throw StorageCallError.timedOut }
        return tables.withLock { $0.rosters[user.bare.description] ?? [] }.filter { $0.state.pendingIn }.map(\.jid)
    }

    /// Exact flags, as a storage that keeps them up to date would give; or
    /// `.unknown` after `setWaitingUnknown(true)`.
    func waitingAtLogin(for user: JID) async throws -> WaitingAtLogin {
        tables.withLock { tables in
            if tables.waitingUnknown { return .unknown }
            let bare = user.bare.description
            return WaitingAtLogin(
                offline: !(tables.offline[bare] ?? []).isEmpty,
                pending: (tables.rosters[bare] ?? []).contains { $0.state.pendingIn })
        }
    }

    func setWaitingUnknown(_ unknown: Bool) { tables.withLock { $0.waitingUnknown = unknown } }

    func storage(_ operation: StorageOperation, _ arguments: [String: String], requestID: String) async throws -> StorageReply {
        try tables.withLock { tables in
            tables.requests.append((operation, arguments, requestID))
            if tables.storageDown { throw StorageCallError.timedOut }
            if let login = tables.loginWhileStorageAnswers.flatMap({ try? JID($0) }), let resource = login.resourcepart {
                tables.loginWhileStorageAnswers = nil
                tables.sessions[login.bare.description, default: [:]][resource] = Self.record(
                    of: login.description, node: "c2s-2")
            }
            let user = arguments["user"] ?? ""
            switch operation {
            case .offlineStore:
                guard tables.accounts.contains(user) else { return .failure(id: requestID, condition: "item-not-found") }
                guard tables.offline[user, default: []].count < tables.offlineCap else {
                    return .failure(id: requestID, condition: "service-unavailable")
                }
                tables.offline[user, default: []].append(arguments["xml"] ?? "")
                return .success(id: requestID)
            case .offlineTake:
                let messages = tables.offline[user] ?? []
                tables.offline[user] = nil
                return .success(id: requestID, result: ["messages": .list(messages.map { OfflineMessage(xml: $0, storedAtMilliseconds: 1_700_000_000_000).storageValue })])
            case .blockListGet:
                return .success(id: requestID, result: ["items": .list((tables.blockLists[user] ?? []).map(StorageValue.string))])
            case .blockListBlock, .blockListUnblock:
                return Self.changeBlockList(operation, arguments, requestID: requestID, in: &tables)
            case .archiveQuery:
                if let failure = tables.archiveFailure { return .failure(id: requestID, condition: failure) }
                return .success(id: requestID, result: tables.archivePage.result)
            case .subscriptionApply:
                guard let outcome = tables.subscriptionOutcome else {
                    return .failure(id: requestID, condition: "feature-not-implemented")
                }
                return .success(id: requestID, result: outcome.result)
            case .archiveMetadata:
                var result: [String: StorageValue] = [:]
                result["first"] = tables.archivePage.messages.first?.storageValue
                result["last"] = tables.archivePage.messages.last?.storageValue
                return .success(id: requestID, result: result)
            default:
                return .failure(id: requestID, condition: "feature-not-implemented")
            }
        }
    }
}

extension TableRoutingContext {
    /// `blocklist.block` / `blocklist.unblock` as storage answers them.
    fileprivate static func changeBlockList(
        _ operation: StorageOperation, _ arguments: [String: String], requestID: String, in tables: inout Tables
    ) -> StorageReply {
        let user = arguments["user"] ?? ""
        let jids = (StorageValue(jsonText: arguments["items"] ?? "[]")?.list ?? []).compactMap(\.string)
        var list = tables.blockLists[user] ?? []
        let changed: [String]
        if operation == .blockListBlock {
            changed = jids.filter { !list.contains($0) }
            guard list.count + changed.count <= tables.blockListMax else {
                return .failure(id: requestID, condition: "policy-violation")
            }
            list += changed
        } else {
            changed = jids.isEmpty ? list : jids.filter { list.contains($0) }
            list.removeAll { changed.contains($0) }
        }
        tables.blockLists[user] = list.sorted()
        return .success(id: requestID, result: BlockListChange(items: list.sorted(), changed: changed).result)
    }
}

/// Routes `stanza` (text) sent by `from` (on node `c2s-1`) and returns the pass.
/// Passes of one batch share `lookups`, as the worker's do.
func route(
    _ stanza: String, from: String, in context: TableRoutingContext, entryID: String = "1-0", partition: Int = 0,
    initial: Bool = false, lookups: AccountLookups = AccountLookups()
) async throws -> RoutingPass {
    let element = StanzaWire.decode(stanza)!
    var withFrom = element
    withFrom[attribute: "from"] = from
    let entry = RouteEntry(
        id: entryID, partition: partition, sender: try JID(from), senderNode: "c2s-1", stanza: withFrom,
        initialPresence: initial)
    var pass = RoutingPass(entry: entry, context: context, lookups: lookups)
    try await pass.route()
    return pass
}

extension Outbox {
    /// `(to, name, type)` of every delivery, in order.
    var summary: [String] {
        outgoing.map {
            guard case .stanza(let to, let stanza) = $0.delivery else { return "close \($0.delivery.to)" }
            let type = stanza[attribute: "type"].map { " \($0)" } ?? ""
            return "\($0.node) \(to) \(stanza.name)\(type)"
        }
    }

    func errorCondition(to jid: String) -> String? {
        stanzas(to: jid).compactMap { $0.firstChild(named: "error", namespace: $0.namespace)?.elements.first?.name }.first
    }
}
