import Cluster
import ClusterIO
import Testing
import XMPPCore
@testable import Router

/// XEP-0313 IQs: queries answered with results then `<fin/>`, in order;
/// the form, metadata and preferences; who may ask; every error.
@Suite("Archive IQs (XEP-0313)")
struct ArchiveIQTests {
    let juliet = "juliet@example.com/balcony"

    func cluster(page: ArchivePage = Self.page) -> TableRoutingContext {
        let context = TableRoutingContext()
        context.bind(juliet, node: "c2s-1")
        context.bind("romeo@example.com/orchard", node: "c2s-2")
        context.setArchivePage(page)
        return context
    }

    /// Three messages, the first of a page of five.
    static let page = ArchivePage(
        messages: (0..<3).map { n in
            ArchiveRecord(
                id: "\(1000 + n)-0-4", stamp: 1_278_803_305_000 + Int64(n) * 1000,
                xml: "<message from='romeo@example.com/orchard' to='juliet@example.com' type='chat'><body>m\(n)</body></message>")
        }, complete: false, count: 5, firstIndex: 0)

    func query(_ inner: String = "", queryID: String = "q1", to: String? = nil) -> String {
        "<iq type='set' id='mam1'\(to.map { " to='\($0)'" } ?? "")><query xmlns='urn:xmpp:mam:2' queryid='\(queryID)'>\(inner)</query></iq>"
    }

    @Test func resultsThenFinInOneCommit() async throws {
        let context = cluster()
        let pass = try await route(query(), from: juliet, in: context)
        let toJuliet = pass.outbox.stanzas(to: juliet)
        #expect(toJuliet.map(\.name) == ["message", "message", "message", "iq"])
        for (n, result) in toJuliet.prefix(3).enumerated() {
            #expect(result[attribute: "from"] == "juliet@example.com" && result[attribute: "to"] == juliet)
            let wrapper = try #require(result.firstChild(named: "result", namespace: XMPPNamespace.archive))
            #expect(wrapper[attribute: "queryid"] == "q1" && wrapper[attribute: "id"] == "\(1000 + n)-0-4")
            let forwarded = try #require(wrapper.firstChild(named: "forwarded", namespace: XMPPNamespace.forward))
            #expect(forwarded.firstChild(named: "delay", namespace: XMPPNamespace.delay)?[attribute: "stamp"]
                == XMPPDateTime.string(milliseconds: 1_278_803_305_000 + Int64(n) * 1000))
            #expect(forwarded.firstChild(named: "message", namespace: XMPPNamespace.client)?.firstChild(named: "body")?.text == "m\(n)")
        }
        let iq = try #require(toJuliet.last)
        #expect(iq[attribute: "type"] == "result" && iq[attribute: "id"] == "mam1")
        #expect(iq.elements.first?.serialized() == """
            <fin xmlns='urn:xmpp:mam:2' complete='false'><set xmlns='http://jabber.org/protocol/rsm'>\
            <first index='0'>1000-0-4</first><last>1002-0-4</last><count>5</count></set></fin>
            """)
        // Storage got the query for Juliet's archive, with the default page size.
        let (operation, arguments, _) = try #require(context.requests.last)
        #expect(operation == .archiveQuery && arguments["user"] == "juliet@example.com" && arguments["max"] == "50")
    }

    @Test func theQueryReachesStorageAsParsedAndTheServerCapsThePage() async throws {
        let context = cluster()
        let form = """
            <x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'><value>urn:xmpp:mam:2</value></field>\
            <field var='with'><value>romeo@example.com</value></field><field var='start'><value>2010-07-10T23:08:25Z</value></field></x>\
            <set xmlns='http://jabber.org/protocol/rsm'><max>100000</max><before/></set>
            """
        _ = try await route(query(form, to: "juliet@example.com"), from: juliet, in: context)
        let arguments = try #require(context.requests.last?.1)
        #expect(arguments["with"] == "romeo@example.com" && arguments["start"] == "1278803305000")
        #expect(arguments["max"] == "250" && arguments["last"] == "true")
    }

    @Test func aFlippedPageComesNewestFirst() async throws {
        let pass = try await route(query("<flip-page/>"), from: juliet, in: cluster())
        let ids = pass.outbox.stanzas(to: juliet).compactMap { $0.firstChild(named: "result", namespace: XMPPNamespace.archive)?[attribute: "id"] }
        #expect(ids == ["1002-0-4", "1001-0-4", "1000-0-4"])
        // The page is the same: <first/> is still the oldest.
        #expect(pass.outbox.stanzas(to: juliet).last?.elements.first?.firstChild(named: "set")?.firstChild(named: "first")?.text == "1000-0-4")
    }

    @Test func anEmptyArchiveAnswersACompleteEmptyPage() async throws {
        let pass = try await route(query(), from: juliet, in: cluster(page: ArchivePage(messages: [], complete: true, count: 0, firstIndex: 0)))
        #expect(pass.outbox.stanzas(to: juliet).map { $0.serialized(in: .clientStream) } == [
            "<iq type='result' id='mam1' from='juliet@example.com' to='juliet@example.com/balcony'><fin xmlns='urn:xmpp:mam:2' complete='true'>"
                + "<set xmlns='http://jabber.org/protocol/rsm'><count>0</count></set></fin></iq>",
        ])
    }

    @Test func errors() async throws {
        let dates = "<x xmlns='jabber:x:data' type='submit'><field var='start'><value>2010-07-10</value></field></x>"
        let unknown = "<x xmlns='jabber:x:data' type='submit'><field var='{urn:example}search'><value>x</value></field></x>"
        let ids = "<x xmlns='jabber:x:data' type='submit'><field var='ids'>"
            + (0...250).map { "<value>\($0)-0-0</value>" }.joined() + "</field></x>"
        let rows: [(String, String)] = [
            (query(dates), "bad-request"),
            (query("<set xmlns='http://jabber.org/protocol/rsm'><max>many</max></set>"), "bad-request"),
            (query(unknown), "feature-not-implemented"),
            (query(ids), "policy-violation"),
            // XEP-0313 §9.1: another user's archive.
            (query(to: "romeo@example.com"), "forbidden"),
            // The server itself keeps no archive.
            (query(to: "example.com"), "service-unavailable"),
            ("<iq type='set' id='mam1'><prefs xmlns='urn:xmpp:mam:2' default='never'/></iq>", "feature-not-implemented"),
        ]
        for (stanza, condition) in rows {
            let pass = try await route(stanza, from: juliet, in: cluster())
            #expect(pass.outbox.errorCondition(to: juliet) == condition, "\(stanza)")
            #expect(pass.outbox.stanzas(to: juliet).count == 1, "\(stanza)")
        }
    }

    @Test func storageFailuresBecomeStanzaErrors() async throws {
        let missing = cluster()
        missing.setArchiveFailure("item-not-found")
        let pass = try await route(query("<set xmlns='http://jabber.org/protocol/rsm'><after>1-0-0</after></set>"), from: juliet, in: missing)
        #expect(pass.outbox.errorCondition(to: juliet) == "item-not-found")
        let down = cluster()
        down.setStorageDown(true)
        let timedOut = try await route(query(), from: juliet, in: down)
        let error = try #require(timedOut.outbox.stanzas(to: juliet).first?.firstChild(named: "error"))
        #expect(error[attribute: "type"] == "wait" && error.elements.first?.name == "internal-server-error")
    }

    @Test func formMetadataAndPreferences() async throws {
        let context = cluster()
        let form = try await route("<iq type='get' id='f1'><query xmlns='urn:xmpp:mam:2'/></iq>", from: juliet, in: context)
        #expect(form.outbox.stanzas(to: juliet).first?.elements.first == ArchiveQuery.formElement)
        let metadata = try await route("<iq type='get' id='m1'><metadata xmlns='urn:xmpp:mam:2'/></iq>", from: juliet, in: context)
        let answer = try #require(metadata.outbox.stanzas(to: juliet).first?.elements.first)
        #expect(answer.firstChild(named: "start")?[attribute: "id"] == "1000-0-4")
        #expect(answer.firstChild(named: "end")?[attribute: "id"] == "1002-0-4")
        #expect(answer.firstChild(named: "end")?[attribute: "timestamp"] == "2010-07-10T23:08:27.000Z")
        let prefs = try await route("<iq type='get' id='p1'><prefs xmlns='urn:xmpp:mam:2'/></iq>", from: juliet, in: context)
        #expect(prefs.outbox.stanzas(to: juliet).first?.elements.first?.serialized()
            == "<prefs xmlns='urn:xmpp:mam:2' default='always'><always/><never/></prefs>")
    }

    @Test func discoAdvertisesArchivesToTheirOwnerAndStanzaIDsOnTheDomain() async throws {
        func features(_ to: String, in context: TableRoutingContext) async throws -> [String] {
            let pass = try await route(
                "<iq to='\(to)' type='get' id='d'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>", from: juliet, in: context)
            return pass.outbox.stanzas(to: juliet).first?.firstChild(named: "query")?.children(named: "feature")
                .compactMap { $0[attribute: "var"] } ?? []
        }
        let context = cluster()
        let own = try await features("juliet@example.com", in: context)
        #expect(own.contains("urn:xmpp:mam:2") && own.contains("urn:xmpp:mam:2#extended"))
        #expect(try await !features("romeo@example.com", in: context).contains("urn:xmpp:mam:2"))
        #expect(try await features("example.com", in: context).contains("urn:xmpp:sid:0"))
        context.setArchiving(false)
        #expect(try await !features("juliet@example.com", in: context).contains("urn:xmpp:mam:2"))
        #expect(try await !features("example.com", in: context).contains("urn:xmpp:sid:0"))
        let off = try await route(query(), from: juliet, in: context)
        #expect(off.outbox.errorCondition(to: juliet) == "service-unavailable")
    }
}
