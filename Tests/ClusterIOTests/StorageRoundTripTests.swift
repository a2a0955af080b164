import Cluster
import ClusterIO
import Foundation
import Redis
import Testing
import TestSupport
import XMPPCore
import XMPPStream

@Suite("StorageClient ↔ storage service round trips against a real redis-server", .serialized)
struct StorageRoundTripTests {
    static let alice = "alice@example.com"
    static let bob = "bob@example.com"

    @Test func accountsAndCredentials() async throws {
        try await StorageStack.with { stack in
            let client = stack.client
            let credentials = try SCRAMCredentials.deriveAll(password: "pencil", iterations: 4096)
            #expect(try await client.createAccount(user: Self.alice, credentials: credentials))
            #expect(try await client.createAccount(user: Self.alice, credentials: credentials, ifMissing: true) == false)
            await #expect(throws: StorageClientError.rejected(condition: "conflict", text: "account exists")) {
                try await client.createAccount(user: Self.alice, credentials: credentials)
            }
            #expect(try await client.credentials(user: Self.alice, mechanism: .sha256) == credentials[1])
            #expect(try await client.credentials(user: Self.bob, mechanism: .sha1) == nil)
            #expect(try await client.listAccounts() == [Self.alice])
            try await client.deleteAccount(user: Self.alice)
            #expect(try await client.listAccounts() == [])
        }
    }

    @Test func credentialsReachTheLoginCacheAndLeaveItWithTheAccount() async throws {
        try await StorageStack.with { stack in
            let client = stack.client
            let cache = { () async throws -> [String: String] in
                try await stack.redis.send("HGETALL", stack.keys.credentialsCache(bare: Self.alice)).fieldDictionary ?? [:]
            }
            let first = try SCRAMCredentials.deriveAll(password: "pencil", iterations: 4096)
            try await client.createAccount(user: Self.alice, credentials: first)
            // Written before the reply: salted keys for both mechanisms, no password.
            #expect(try await cache() == ["scram-sha-1": first[0].storageText, "scram-sha-256": first[1].storageText])
            #expect(try await client.cachedCredentials(user: Self.alice, mechanism: .sha256) == first[1])

            // A password change replaces them before anyone hears it succeeded.
            let second = try SCRAMCredentials.deriveAll(password: "crayon", iterations: 4096)
            try await client.setCredentials(user: Self.alice, credentials: second)
            #expect(try await client.cachedCredentials(user: Self.alice, mechanism: .sha1) == second[0])

            // A lost cache (Redis restart) is a miss that storage fills again.
            _ = try await stack.redis.send("DEL", stack.keys.credentialsCache(bare: Self.alice))
            #expect(try await client.cachedCredentials(user: Self.alice, mechanism: .sha1) == second[0])
            #expect(try await cache().count == 2)

            // An unknown account is not cached; a deleted one leaves the cache.
            #expect(try await client.cachedCredentials(user: Self.bob, mechanism: .sha1) == nil)
            #expect(try await stack.redis.send("EXISTS", stack.keys.credentialsCache(bare: Self.bob)).int == 0)
            try await client.deleteAccount(user: Self.alice)
            #expect(try await cache().isEmpty)
            #expect(try await client.cachedCredentials(user: Self.alice, mechanism: .sha1) == nil)
        }
    }

    @Test func rosterChangesReachTheCache() async throws {
        try await StorageStack.with { stack in
            let client = stack.client
            let credentials = try SCRAMCredentials.deriveAll(password: "p", iterations: 4096)
            try await client.createAccount(user: Self.alice, credentials: credentials)
            try await client.createAccount(user: Self.bob, credentials: credentials)
            let item = try XMLElement(parsing: "<item xmlns='jabber:iq:roster' jid='bob@example.com' name='Bob'/>")
            let push = try await client.setRosterItem(user: Self.alice, item: item)
            #expect(push.version == 1 && push.item.name == "Bob")

            // The cache was written before the reply was sent.
            let cached = try await stack.redis.send("HGETALL", stack.keys.rosterCache(bare: Self.alice)).fieldDictionary ?? [:]
            #expect(StorageClient.snapshot(cacheFields: cached) == RosterSnapshot(version: 1, items: [push.item]))

            let outcome = try await client.applySubscription(user: Self.alice, contact: Self.bob, event: .subscribe)
            #expect(outcome.route && outcome.deliver && outcome.pushes.count == 1)
            #expect(try await client.pendingSubscriptions(user: Self.bob).map(\.contact) == [Self.alice])

            // A lost cache (Redis restart, eviction) is a miss that roster.get rebuilds.
            _ = try await stack.redis.send("DEL", stack.keys.rosterCache(bare: Self.alice))
            let snapshot = try await client.cachedRoster(user: Self.alice)
            #expect(snapshot.version == 2 && snapshot.items.first?.ask == true)
            #expect(try await stack.redis.send("HGET", stack.keys.rosterCache(bare: Self.alice), "@version").string == "2")
            #expect(try await client.cachedRoster(user: Self.alice) == snapshot)
        }
    }

    @Test func whatWaitsAtLoginIsFlaggedBeforeTheReply() async throws {
        try await StorageStack.with { stack in
            let client = stack.client
            let waiting = { (user: String) async throws -> [String: String] in
                try await stack.redis.send("HGETALL", stack.keys.waiting(bare: user)).fieldDictionary ?? [:]
            }
            let credentials = try SCRAMCredentials.deriveAll(password: "p", iterations: 4096)
            try await client.createAccount(user: Self.alice, credentials: credentials)
            try await client.createAccount(user: Self.bob, credentials: credentials)
            // The consumer rebuilt the flags when it started, so routers may trust them.
            #expect(try await stack.redis.send("EXISTS", stack.keys.waitingReady).int == 1)
            #expect(try await waiting(Self.alice).isEmpty)

            let message = try XMLElement(parsing: "<message xmlns='jabber:client' to='alice@example.com'><body>hi</body></message>")
            try await client.storeOffline(user: Self.alice, message: message)
            #expect(try await waiting(Self.alice) == ["offline": "1"])
            _ = try await client.applySubscription(user: Self.bob, contact: Self.alice, event: .subscribe)
            #expect(try await waiting(Self.alice) == ["offline": "1", "pending": "1"])
            #expect(try await client.takeOffline(user: Self.alice).count == 1)
            #expect(try await waiting(Self.alice) == ["pending": "1"])

            // Flags lost with Redis's data come back when storage reconnects,
            // and routers ask storage for everything until then.
            await stack.stopStorage()
            _ = try await stack.redis.send("DEL", stack.keys.waiting(bare: Self.alice), stack.keys.waitingReady)
            try stack.startStorage()
            try await waitUntil("waiting:ready") { try await stack.redis.send("EXISTS", stack.keys.waitingReady).int == 1 }
            #expect(try await waiting(Self.alice) == ["pending": "1"])
        }
    }

    @Test func userDataAndStanzaErrors() async throws {
        try await StorageStack.with { stack in
            let client = stack.client
            try await client.createAccount(user: Self.alice, credentials: try SCRAMCredentials.deriveAll(password: "p", iterations: 4096))
            try await client.setVCard(user: Self.alice, xml: "<vCard xmlns='vcard-temp'><FN>Alice</FN></vCard>")
            #expect(try await client.vcard(user: Self.alice)?.contains("<FN>Alice</FN>") == true)
            let bookmarks = try XMLElement(parsing: "<storage xmlns='storage:bookmarks'/>")
            try await client.setPrivateXML(user: Self.alice, element: bookmarks)
            #expect(try await client.privateXML(user: Self.alice, namespace: "storage:bookmarks") == bookmarks.serialized())
            do {
                try await client.setPrivateXML(user: Self.alice, element: try XMLElement(parsing: "<query xmlns='jabber:iq:roster'/>"))
                Issue.record("jabber:* namespace accepted")
            } catch let error as StorageClientError {
                #expect(error.stanzaError.condition == .notAcceptable)
                #expect(error.stanzaError.type == .modify)
            }
            let message = try XMLElement(parsing: "<message xmlns='jabber:client' to='alice@example.com'><body>hi</body></message>")
            try await client.storeOffline(user: Self.alice, message: message)
            #expect(try await client.takeOffline(user: Self.alice).map(\.xml) == [message.serialized()])
            #expect(try await client.takeOffline(user: Self.alice).isEmpty)
            do {
                try await client.storeOffline(user: "ghost@example.com", message: message)
                Issue.record("offline message for an unknown user accepted")
            } catch let error as StorageClientError {
                #expect(error.stanzaError.condition == .serviceUnavailable)
            }
        }
    }

    @Test func aBadRequestGetsAnErrorReplyAndStorageCarriesOn() async throws {
        try await StorageStack.with { stack in
            // Entries a buggy requester could write: answered or dropped, never a crash.
            _ = try await stack.redis.xadd(stack.keys.storageRequests, fields: [("id", "junk-1")])
            let reply = try await stack.client.request(.vcardSet, arguments: ["user": Self.alice, "xml": "<vCard"])
            #expect(reply.ok == false && reply.error == "bad-request")
            #expect(try await stack.client.listAccounts() == [])
        }
    }
}
