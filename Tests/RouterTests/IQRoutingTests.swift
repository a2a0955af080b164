import Cluster
import Testing
import XMPPCore
@testable import Router

@Suite("IQ routing (RFC 6120 §8.2.3, §10.5)")
struct IQRoutingTests {
    let romeo = "romeo@example.com/orchard"

    @Test func pingToTheServerIsAnswered() async throws {
        let pass = try await route("<iq to='example.com' type='get' id='p1'><ping xmlns='urn:xmpp:ping'/></iq>", from: romeo, in: TableRoutingContext())
        let reply = try #require(pass.outbox.stanzas(to: romeo).first)
        #expect(reply[attribute: "type"] == "result" && reply[attribute: "id"] == "p1" && reply[attribute: "from"] == "example.com")
    }

    @Test func discoInfoAdvertisesWhatIsImplemented() async throws {
        let pass = try await route("<iq to='example.com' type='get' id='d1'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>", from: romeo, in: TableRoutingContext())
        let query = try #require(pass.outbox.stanzas(to: romeo).first?.firstChild(named: "query", namespace: XMPPNamespace.discoInfo))
        let features = Set(query.children(named: "feature", namespace: XMPPNamespace.discoInfo).compactMap { $0[attribute: "var"] })
        #expect(features.isSuperset(of: [XMPPNamespace.ping, XMPPNamespace.version, XMPPNamespace.roster]))
        #expect(query.firstChild(named: "identity", namespace: XMPPNamespace.discoInfo)?[attribute: "category"] == "server")
    }

    @Test func versionNamesTrellis() async throws {
        let pass = try await route("<iq to='example.com' type='get' id='v1'><query xmlns='jabber:iq:version'/></iq>", from: romeo, in: TableRoutingContext())
        let query = try #require(pass.outbox.stanzas(to: romeo).first?.firstChild(named: "query", namespace: XMPPNamespace.version))
        #expect(query.firstChild(named: "name", namespace: XMPPNamespace.version)?.text == "Trellis")
    }

    @Test func anUnknownNamespaceIsServiceUnavailable() async throws {
        let pass = try await route("<iq to='example.com' type='get' id='u1'><query xmlns='urn:example:unknown'/></iq>", from: romeo, in: TableRoutingContext())
        #expect(pass.outbox.errorCondition(to: romeo) == "service-unavailable")
    }

    @Test func aRequestWithTwoChildrenIsABadRequest() async throws {
        let pass = try await route("<iq to='example.com' type='get' id='b1'><ping xmlns='urn:xmpp:ping'/><ping xmlns='urn:xmpp:ping'/></iq>", from: romeo, in: TableRoutingContext())
        #expect(pass.outbox.errorCondition(to: romeo) == "bad-request")
    }

    @Test func anIQToAFullJIDGoesToThatSessionOrIsServiceUnavailable() async throws {
        let context = TableRoutingContext()
        context.bind("juliet@example.com/balcony", node: "c2s-2")
        let delivered = try await route("<iq to='juliet@example.com/balcony' type='get' id='q1'><query xmlns='jabber:iq:version'/></iq>", from: romeo, in: context)
        #expect(delivered.outbox.summary == ["c2s-2 juliet@example.com/balcony iq get"])
        let missing = try await route("<iq to='juliet@example.com/gone' type='get' id='q2'><query xmlns='jabber:iq:version'/></iq>", from: romeo, in: context)
        #expect(missing.outbox.errorCondition(to: romeo) == "service-unavailable")
        let result = try await route("<iq to='juliet@example.com/gone' type='result' id='q3'/>", from: romeo, in: context)
        #expect(result.outbox.isEmpty)
    }

    @Test func resultsToTheServerAreNotAnswered() async throws {
        let pass = try await route("<iq to='example.com' type='result' id='r1'/>", from: romeo, in: TableRoutingContext())
        #expect(pass.outbox.isEmpty)
    }

    @Test func anotherUsersRosterIsForbidden() async throws {
        let pass = try await route("<iq to='juliet@example.com' type='get' id='r1'><query xmlns='jabber:iq:roster'/></iq>", from: romeo, in: TableRoutingContext())
        #expect(pass.outbox.errorCondition(to: romeo) == "forbidden")
    }

    @Test func everyGetOrSetGetsExactlyOneResponse() async throws {
        let stanzas = [
            "<iq to='example.com' type='get' id='x'><ping xmlns='urn:xmpp:ping'/></iq>",
            "<iq to='example.com' type='set' id='x'><ping xmlns='urn:xmpp:ping'/></iq>",
            "<iq type='get' id='x'><query xmlns='urn:example:none'/></iq>",
            "<iq to='nobody@example.com/r' type='get' id='x'><query xmlns='urn:example:none'/></iq>",
            "<iq to='example.com' type='get' id='x'/>",
        ]
        for stanza in stanzas {
            let pass = try await route(stanza, from: romeo, in: TableRoutingContext())
            #expect(pass.outbox.stanzas(to: romeo).count == 1, "\(stanza)")
        }
    }
}
