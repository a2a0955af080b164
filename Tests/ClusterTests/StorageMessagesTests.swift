import Testing
@testable import Cluster

@Suite("Storage request and reply encoding")
struct StorageMessagesTests {
    @Test func requestRoundTripsThroughStreamFields() throws {
        let request = StorageRequest(
            id: "c2s-1:42", operation: .offlineStore, replyTo: "t:reply:{c2s-1}", sentAtMilliseconds: 1_700_000_000_123,
            arguments: ["user": "alice@example.com", "xml": "<message/>"])
        #expect(request.fields.map(\.0) == ["id", "op", "reply", "sent", "user", "xml"])
        #expect(try StorageRequest(fields: request.fields) == request)
    }

    @Test func argumentsCannotShadowFixedFields() throws {
        let request = StorageRequest(id: "1", operation: .rosterGet, replyTo: "r", sentAtMilliseconds: 0, arguments: ["op": "account.delete"])
        #expect(try StorageRequest(fields: request.fields).operation == .rosterGet)
    }

    @Test func badEntriesAreTyped() {
        #expect(throws: StorageRequest.DecodingError.missingField("reply")) {
            try StorageRequest(fields: [("id", "1"), ("op", "roster.get")])
        }
        #expect(throws: StorageRequest.DecodingError.unknownOperation("drop.tables")) {
            try StorageRequest(fields: [("id", "1"), ("reply", "r"), ("op", "drop.tables")])
        }
    }

    @Test func readsAreNotMutations() {
        #expect(!StorageOperation.rosterGet.isMutation)
        #expect(StorageOperation.offlineStore.isMutation)
        #expect(StorageOperation.offlineTake.isMutation)
        #expect(!StorageOperation.archiveQuery.isMutation && !StorageOperation.archiveMetadata.isMutation)
        // archive.append is idempotent by its key: applied again, never dropped as stale, not logged.
        #expect(StorageOperation.archiveAppend.isMutation && !StorageOperation.archiveAppend.isDroppedWhenStale)
        #expect(!StorageOperation.archiveAppend.logsReply && StorageOperation.offlineStore.logsReply)
        #expect(!StorageOperation.rosterGet.logsReply)
    }

    @Test func aRequestMayAskForNoReply() throws {
        let request = StorageRequest(
            id: "route:{3}/1-0:1", operation: .archiveAppend, replyTo: StorageRequest.noReply, sentAtMilliseconds: 1,
            arguments: ["count": "0"])
        #expect(!request.expectsReply)
        #expect(request.fields.first { $0.0 == "reply" }?.1 == "")
        #expect(try StorageRequest(fields: request.fields) == request)
    }

    @Test func replyJSONRoundTrips() throws {
        let reply = StorageReply.success(id: "7", result: [
            "version": .int(12), "items": .list([.object(["jid": .string("bob@example.com"), "approved": .bool(false)])]),
        ])
        let text = reply.encoded()
        #expect(text.hasPrefix("{\"id\":\"7\",\"ok\":true,"))
        #expect(try StorageReply.decode(text) == reply)
        let failure = StorageReply.failure(id: "8", condition: "item-not-found", text: "no such user")
        #expect(try StorageReply.decode(failure.encoded()) == failure)
    }
}
