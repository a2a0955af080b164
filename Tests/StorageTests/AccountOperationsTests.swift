import Cluster
import ClusterIO
import Testing
import XMPPStream
@testable import Storage

@Suite("account.* operations")
struct AccountOperationsTests {
    @Test func createStoresOnlyDerivedKeysAndCredentialsComeBack() throws {
        let harness = try StorageHarness()
        try harness.createAccount("Alice@Example.com")
        for credential in StorageHarness.credentials {
            let result = try harness.ok(
                .accountCredentials, ["user": "alice@example.com", "mechanism": credential.hashFunction.rawValue])
            let text = try #require(result[credential.storageField]?.string)
            #expect(SCRAMCredentials(storageText: text, hashFunction: credential.hashFunction) == credential)
        }
        #expect(try harness.ok(.accountList)["users"] == .list([.string("alice@example.com")]))
    }

    @Test func duplicateIsAConflictUnlessIfMissing() throws {
        let harness = try StorageHarness()
        try harness.createAccount("alice@example.com")
        var arguments = ["user": "alice@example.com"]
        for credential in StorageHarness.credentials { arguments[credential.storageField] = credential.storageText }
        #expect(try harness.condition(.accountCreate, arguments) == "conflict")
        arguments["if_missing"] = "true"
        #expect(try harness.ok(.accountCreate, arguments)["created"] == .bool(false))
    }

    @Test func passwordsAndMalformedCredentialsAreRefused() throws {
        let harness = try StorageHarness()
        #expect(try harness.condition(.accountCreate, ["user": "a@example.com", "password": "secret"]) == "bad-request")
        #expect(try harness.condition(.accountCreate, ["user": "a@example.com"]) == "bad-request")
        #expect(try harness.condition(.accountCreate, ["user": "a@example.com", "scram-sha-1": "4096:zz$x:y"]) == "bad-request")
        #expect(try harness.condition(.accountCreate, ["user": "example.com", "scram-sha-1": "x"]) == "jid-malformed")
        #expect(try harness.condition(.accountCreate, ["user": "a@@b"]) == "jid-malformed")
        #expect(try harness.count("accounts") == 0)
    }

    @Test func unknownUserAndMechanism() throws {
        let harness = try StorageHarness()
        #expect(try harness.condition(.accountCredentials, ["user": "bob@example.com", "mechanism": "SCRAM-SHA-1"]) == "item-not-found")
        try harness.createAccount("bob@example.com")
        #expect(try harness.condition(.accountCredentials, ["user": "bob@example.com", "mechanism": "PLAIN"]) == "bad-request")
        #expect(try harness.condition(.accountDelete, ["user": "carol@example.com"]) == "item-not-found")
    }

    @Test func passwordChangeReplacesCredentials() throws {
        let harness = try StorageHarness()
        try harness.createAccount("alice@example.com")
        let fresh = try SCRAMCredentials.deriveAll(password: "new", iterations: 4096)
        var arguments = ["user": "alice@example.com"]
        for credential in fresh { arguments[credential.storageField] = credential.storageText }
        try harness.ok(.accountSetPassword, arguments)
        let text = try harness.ok(.accountCredentials, ["user": "alice@example.com", "mechanism": "scram-sha-256"])["scram-sha-256"]?.string
        #expect(text == fresh[1].storageText)
    }

    @Test func deleteRemovesEverythingTheUserOwns() throws {
        let harness = try StorageHarness()
        try harness.createAccount("alice@example.com")
        try harness.ok(.rosterSetItem, ["user": "alice@example.com", "xml": "<item xmlns='jabber:iq:roster' jid='bob@example.com'/>"])
        try harness.ok(.vcardSet, ["user": "alice@example.com", "xml": "<vCard xmlns='vcard-temp'><FN>A</FN></vCard>"])
        try harness.ok(.offlineStore, ["user": "alice@example.com", "xml": "<message xmlns='jabber:client'><body>hi</body></message>"])
        try harness.ok(.accountDelete, ["user": "alice@example.com"])
        for table in ["accounts", "scram_credentials", "roster_items", "roster_versions", "vcards", "offline_messages"] {
            #expect(try harness.count(table) == 0, "\(table) not emptied")
        }
    }
}
