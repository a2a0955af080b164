import Cluster
import Testing
import XMPPCore
@testable import Router

@Suite("Presence routing (RFC 6121 §4)")
struct PresenceRoutingTests {
    let romeo = "romeo@example.com/orchard"

    func cluster() -> TableRoutingContext {
        let context = TableRoutingContext()
        context.bind(romeo, node: "c2s-1", priority: 1)
        context.bind("juliet@example.com/balcony", node: "c2s-2")
        context.bind("benvolio@example.com/street", node: "c2s-3")
        context.bind("tybalt@example.com/square", node: "c2s-3")
        context.setRoster("romeo@example.com", [
            ("juliet@example.com", .both), ("benvolio@example.com", .from), ("tybalt@example.com", .to),
            ("mercutio@example.com", .noneIn),
        ])
        return context
    }

    @Test func broadcastReachesSubscribersAndOwnResourcesOnly() async throws {
        let pass = try await route("<presence><priority>1</priority></presence>", from: romeo, in: cluster())
        let recipients = Set(pass.outbox.outgoing.map(\.delivery.to))
        #expect(recipients == ["juliet@example.com/balcony", "benvolio@example.com/street", romeo])
    }

    @Test func initialPresenceAlsoAnswersProbesAndRedeliversPendingRequests() async throws {
        let context = cluster()
        context.addAccount("romeo@example.com")
        let pass = try await route("<presence/>", from: romeo, in: context, initial: true)
        let toRomeo = pass.outbox.stanzas(to: romeo)
        // Probes: the contacts Romeo sees (to, both) who are available.
        let presenceFrom = Set(toRomeo.filter { $0[attribute: "type"] == nil }.compactMap { $0[attribute: "from"] })
        #expect(presenceFrom == ["juliet@example.com/balcony", "tybalt@example.com/square", romeo])
        // §3.1.3: the pending request from Mercutio comes again.
        #expect(toRomeo.contains { $0[attribute: "type"] == "subscribe" && $0[attribute: "from"] == "mercutio@example.com" })
    }

    @Test func initialPresenceDeliversOfflineMessages() async throws {
        let context = cluster()
        context.addAccount("romeo@example.com")
        _ = try await route("<message to='romeo@example.com' type='chat'><body>1</body></message>", from: "juliet@example.com/balcony", in: TableRoutingContext())
        _ = try await route("<presence type='unavailable'/>", from: romeo, in: context)
        context.bind(romeo, node: "c2s-1", available: false)
        _ = try await route("<message to='romeo@example.com' type='chat'><body>1</body></message>", from: "juliet@example.com/balcony", in: context)
        _ = try await route("<message to='romeo@example.com' type='chat'><body>2</body></message>", from: "juliet@example.com/balcony", in: context)
        #expect(context.offline("romeo@example.com").count == 2)
        let pass = try await route("<presence/>", from: romeo, in: context, initial: true)
        let bodies = pass.outbox.stanzas(to: romeo).filter { $0.name == "message" }.map { $0.firstChild(named: "body", namespace: $0.namespace)?.text }
        #expect(bodies == ["1", "2"])
        #expect(context.offline("romeo@example.com").isEmpty)
    }

    @Test func aLoginAsksStorageOnlyForWhatItsFlagsSayWaits() async throws {
        // Nothing waits: no storage request at all (the router's flags lookup is enough).
        let quiet = TableRoutingContext()
        quiet.addAccount("romeo@example.com")
        _ = try await route("<presence/>", from: romeo, in: quiet, initial: true)
        #expect(quiet.requests.isEmpty)
        // Flags unknown (storage has not rebuilt them): ask for everything.
        quiet.setWaitingUnknown(true)
        _ = try await route("<presence/>", from: romeo, in: quiet, initial: true)
        #expect(quiet.requests.map(\.0) == [.offlineTake])
        // An offline message waits: it is taken, and pending requests are not asked for.
        let waiting = TableRoutingContext()
        waiting.addAccount("romeo@example.com")
        _ = try await route("<message to='romeo@example.com' type='chat'><body>1</body></message>", from: "juliet@example.com/balcony", in: waiting)
        _ = try await route("<presence/>", from: romeo, in: waiting, initial: true)
        #expect(waiting.requests.map(\.0) == [.offlineStore, .offlineTake])
        #expect(waiting.offline("romeo@example.com").isEmpty)
    }

    @Test func negativePriorityInitialPresenceLeavesOfflineMessagesStored() async throws {
        let context = cluster()
        context.addAccount("romeo@example.com")
        context.bind(romeo, node: "c2s-1", available: false)
        _ = try await route("<message to='romeo@example.com' type='chat'><body>1</body></message>", from: "juliet@example.com/balcony", in: context)
        _ = try await route("<presence><priority>-1</priority></presence>", from: romeo, in: context, initial: true)
        #expect(context.offline("romeo@example.com").count == 1)
    }

    @Test func directedPresenceGoesOnlyWhereItIsSent() async throws {
        let pass = try await route("<presence to='tybalt@example.com/square'/>", from: romeo, in: cluster())
        #expect(pass.outbox.summary == ["c2s-3 tybalt@example.com/square presence"])
    }

    @Test func storageAwayStillReachesOwnResources() async throws {
        let context = cluster()
        context.setStorageDown(true)
        let pass = try await route("<presence type='unavailable'/>", from: romeo, in: context)
        #expect(Set(pass.outbox.outgoing.map(\.delivery.to)) == [romeo])
    }

    @Test func presenceToAnotherDomainIsDroppedSilently() async throws {
        let pass = try await route("<presence to='someone@elsewhere.org'/>", from: romeo, in: cluster())
        #expect(pass.outbox.isEmpty)
    }

    @Test func directedPresenceIsRememberedAndUnavailableReachesItsRecipients() async throws {
        let context = cluster()
        context.bind("friar@example.com/cell", node: "c2s-4")
        let sent = try await route("<presence to='friar@example.com/cell'/>", from: romeo, in: context)
        #expect(sent.outbox.changes == [.directedPresenceSent(sender: try JID(romeo), recipient: try JID("friar@example.com/cell"))])
        context.setDirected(romeo, ["friar@example.com/cell", "juliet@example.com/balcony"])
        let gone = try await route("<presence type='unavailable'/>", from: romeo, in: context)
        // The friar (not a subscriber) hears it once; Juliet (a subscriber) once, not twice.
        #expect(gone.outbox.stanzas(to: "friar@example.com/cell").count == 1)
        #expect(gone.outbox.stanzas(to: "juliet@example.com/balcony").count == 1)
        #expect(gone.outbox.changes == [.directedPresenceCleared(sender: try JID(romeo))])
    }

    @Test func directedUnavailableWithdrawsTheRecipient() async throws {
        let context = cluster()
        let pass = try await route("<presence to='friar@example.com/cell' type='unavailable'/>", from: romeo, in: context)
        #expect(pass.outbox.changes == [.directedPresenceWithdrawn(sender: try JID(romeo), recipient: try JID("friar@example.com/cell"))])
    }
}
