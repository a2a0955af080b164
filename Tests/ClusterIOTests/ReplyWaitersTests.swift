import Cluster
@testable import ClusterIO
import Testing
import XMPPCore
import XMPPStream

@Suite("Reply dispatch, request ids, wire formats and error mapping")
struct ReplyWaitersTests {
    @Test func aReplyBeforeTheWaitIsKept() async throws {
        let waiters = ReplyWaiters()
        waiters.open("a")
        #expect(waiters.deliver(.success(id: "a")))
        #expect(try await waiters.wait(for: "a") == .success(id: "a"))
        #expect(waiters.count == 0)
    }

    @Test func lateAndUnknownRepliesAreDropped() async throws {
        let waiters = ReplyWaiters()
        waiters.open("a")
        waiters.fail("a", with: .timeout(.rosterGet))
        await #expect(throws: StorageClientError.timeout(.rosterGet)) { try await waiters.wait(for: "a") }
        #expect(!waiters.deliver(.success(id: "a")))
        #expect(!waiters.deliver(.success(id: "never-sent")))
        #expect(waiters.count == 0)
    }

    @Test func aWaitingCallerIsWokenByItsReplyOnly() async throws {
        let waiters = ReplyWaiters()
        waiters.open("a")
        waiters.open("b")
        async let a = waiters.wait(for: "a")
        try await Task.sleep(for: .milliseconds(20))
        #expect(waiters.deliver(.failure(id: "a", condition: "conflict")))
        #expect(try await a.error == "conflict")
        waiters.failAll(with: .notRunning)
        await #expect(throws: StorageClientError.notRunning) { try await waiters.wait(for: "b") }
    }

    @Test func requestIDsNeverRepeatAcrossRestarts() {
        let node = NodeID("c2s-1")!
        let first = StorageRequestIDs(nodeID: node, nonce: 0xAB)
        #expect(first.next() == "c2s-1:000000ab:1")
        #expect(first.next() == "c2s-1:000000ab:2")
        #expect(StorageRequestIDs(nodeID: node, nonce: 0xCD).next() != "c2s-1:000000ab:1")
    }

    @Test func errorsMapToStanzaErrors() {
        let cases: [(StorageClientError, StanzaError.Condition, StanzaError.ErrorType)] = [
            (.timeout(.rosterGet), .resourceConstraint, .wait),
            (.unavailable("down"), .resourceConstraint, .wait),
            (.rejected(condition: "item-not-found", text: nil), .itemNotFound, .cancel),
            (.rejected(condition: "not-acceptable", text: "x"), .notAcceptable, .modify),
            (.rejected(condition: "made-up", text: nil), .internalServerError, .cancel),
            (.malformedReply("x"), .internalServerError, .cancel),
            (.notRunning, .internalServerError, .cancel),
        ]
        for (error, condition, type) in cases {
            #expect(error.stanzaError.condition == condition, "\(error)")
            #expect(error.stanzaError.type == type, "\(error)")
        }
    }

    @Test func credentialsTravelAsRFC5803Text() throws {
        let credentials = try SCRAMCredentials.derive(
            password: "pencil", salt: Array("saltsaltsaltsalt".utf8), iterations: 4096, hashFunction: .sha1)
        let text = credentials.storageText
        #expect(text.hasPrefix("4096:c2FsdHNhbHRzYWx0c2FsdA==$"))
        #expect(SCRAMCredentials(storageText: text, hashFunction: .sha1) == credentials)
        #expect(SCRAMCredentials(storageText: text, hashFunction: .sha256) == nil)  // key lengths differ
        #expect(SCRAMCredentials(storageText: "4096:abc", hashFunction: .sha1) == nil)
    }

    @Test func rosterItemsHaveACompactJSONForm() {
        let item = RosterItemRecord(jid: "bob@example.com", name: "Bob", groups: ["A"], subscription: .none, ask: true)
        #expect(item.json == #"{"ask":true,"groups":["A"],"jid":"bob@example.com","name":"Bob","subscription":"none"}"#)
        #expect(RosterItemRecord(json: item.json) == item)
        #expect(item.element.serialized() == "<item xmlns='jabber:iq:roster' jid='bob@example.com' name='Bob' subscription='none' ask='subscribe'><group>A</group></item>")
        #expect(RosterPush(user: "a@b", version: 1, item: item, removed: true).element.serialized()
            == "<item xmlns='jabber:iq:roster' jid='bob@example.com' subscription='remove'/>")
    }
}
