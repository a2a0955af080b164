import Testing
@testable import XMPPCore

/// XEP-0313 §4 queries and XEP-0059 result set requests: what is read, and
/// the error each malformed query gets.
@Suite("Archive queries (XEP-0313, XEP-0059)")
struct ArchiveQueryTests {
    func parse(_ xml: String) throws(StanzaError) -> ArchiveQuery {
        try ArchiveQuery(payload: try! XMLElement(parsing: xml))
    }

    func form(_ fields: String, type: String = "submit", formType: String = "urn:xmpp:mam:2") -> String {
        "<query xmlns='urn:xmpp:mam:2' queryid='q1'><x xmlns='jabber:x:data' type='\(type)'>"
            + "<field var='FORM_TYPE' type='hidden'><value>\(formType)</value></field>\(fields)</x></query>"
    }

    func field(_ name: String, _ values: String...) -> String {
        "<field var='\(name)'>" + values.map { "<value>\($0)</value>" }.joined() + "</field>"
    }

    func condition(_ xml: String) -> StanzaError.Condition? {
        do {
            _ = try parse(xml)
            return nil
        } catch {
            return error.condition
        }
    }

    @Test func anEmptyQueryMatchesEverything() throws {
        let query = try parse("<query xmlns='urn:xmpp:mam:2'/>")
        #expect(query == ArchiveQuery())
        #expect(query.pageSize(default: 50, max: 250) == 50)
    }

    @Test func readsEveryFieldOfTheForm() throws {
        let query = try parse(form(
            field("with", "Juliet@Capulet.lit") + field("start", "2010-06-07T00:00:00Z") + field("end", "2010-07-07T13:23:54Z")
                + field("after-id", "a1") + field("before-id", "b2") + field("ids", "x", "y") + field("include-groupchat", "false")))
        #expect(query.queryID == "q1")
        #expect(query.filter.with == (try JID("juliet@capulet.lit")))
        #expect(query.filter.start == XMPPDateTime.milliseconds("2010-06-07T00:00:00Z"))
        #expect(query.filter.end == XMPPDateTime.milliseconds("2010-07-07T13:23:54Z"))
        #expect(query.filter.afterID == "a1" && query.filter.beforeID == "b2" && query.filter.ids == ["x", "y"])
        #expect(query.filter.namedIDs == ["a1", "b2", "x", "y"])
        // §4.1.1: a full JID is kept as given.
        #expect(try parse(form(field("with", "romeo@montague.lit/orchard"))).filter.with?.resourcepart == "orchard")
    }

    @Test func readsTheResultSetAndTheFlip() throws {
        let page = try parse("""
            <query xmlns='urn:xmpp:mam:2'><set xmlns='http://jabber.org/protocol/rsm'><max>10</max><after>09af3</after></set><flip-page/></query>
            """)
        #expect(page.page == ResultSetRequest(max: 10, after: "09af3"))
        #expect(page.flipPage)
        let last = try parse("<query xmlns='urn:xmpp:mam:2'><set xmlns='http://jabber.org/protocol/rsm'><max>5</max><before/></set></query>")
        #expect(last.page.before == .lastPage && last.page.pagesBackwards)
        let before = try parse("<query xmlns='urn:xmpp:mam:2'><set xmlns='http://jabber.org/protocol/rsm'><before>x</before></set></query>")
        #expect(before.page.before == .item("x"))
        let index = try parse("<query xmlns='urn:xmpp:mam:2'><set xmlns='http://jabber.org/protocol/rsm'><max>0</max><index>7</index></set></query>")
        #expect(index.page == ResultSetRequest(max: 0, index: 7))
        // The server's cap wins over the client's max.
        let greedy = try parse("<query xmlns='urn:xmpp:mam:2'><set xmlns='http://jabber.org/protocol/rsm'><max>100000</max></set></query>")
        #expect(greedy.pageSize(default: 50, max: 250) == 250)
    }

    @Test func malformedQueriesGetTheirErrors() {
        let rsm = "http://jabber.org/protocol/rsm"
        let rows: [(String, StanzaError.Condition)] = [
            // Dates that are not XEP-0082 DateTimes.
            (form(field("start", "2010-06-07")), .badRequest),
            (form(field("end", "yesterday")), .badRequest),
            (form(field("start", "2010-02-30T00:00:00Z")), .badRequest),
            // A malformed form.
            (form(field("with", "a@b", "c@d")), .badRequest),
            (form(field("with", "bad@@example.org")), .badRequest),
            (form("", type: "form"), .badRequest),
            (form("", formType: "urn:xmpp:mam:1"), .badRequest),
            (form("<field><value>x</value></field>"), .badRequest),
            (form(field("with", "a@b") + field("with", "c@d")), .badRequest),
            (form(field("ids", "a", "")), .badRequest),
            (form(field("include-groupchat", "maybe")), .badRequest),
            // §4.1.5: a field the server does not know.
            (form(field("{urn:example}full-text-search", "thou")), .featureNotImplemented),
            // XEP-0059 misuse.
            ("<query xmlns='urn:xmpp:mam:2'><set xmlns='\(rsm)'><max>-1</max></set></query>", .badRequest),
            ("<query xmlns='urn:xmpp:mam:2'><set xmlns='\(rsm)'><max>ten</max></set></query>", .badRequest),
            ("<query xmlns='urn:xmpp:mam:2'><set xmlns='\(rsm)'><after/></set></query>", .badRequest),
            ("<query xmlns='urn:xmpp:mam:2'><set xmlns='\(rsm)'><after>a</after><before>b</before></set></query>", .badRequest),
            ("<query xmlns='urn:xmpp:mam:2'><set xmlns='\(rsm)'><index>2</index><before/></set></query>", .badRequest),
            // Pubsub node archives are not kept.
            ("<query xmlns='urn:xmpp:mam:2' node='urn:xmpp:mucsub:nodes:messages'/>", .itemNotFound),
        ]
        for (xml, expected) in rows {
            #expect(condition(xml) == expected, "\(xml)")
        }
    }

    @Test func aFormWithoutFormTypeOrTypeIsAccepted() throws {
        let query = try parse("<query xmlns='urn:xmpp:mam:2'><x xmlns='jabber:x:data'><field var='with'><value>a@b</value></field></x></query>")
        #expect(query.filter.with == (try JID("a@b")))
    }

    @Test func theDiscoveredFormListsEveryField() {
        let form = ArchiveQuery.formElement
        #expect(form.name == "query" && form.namespace == "urn:xmpp:mam:2")
        let x = form.firstChild(named: "x", namespace: "jabber:x:data")
        #expect(x?[attribute: "type"] == "form")
        let fields = x?.children(named: "field", namespace: "jabber:x:data") ?? []
        #expect(fields.map { $0[attribute: "var"] ?? "" } == [
            "FORM_TYPE", "with", "start", "end", "before-id", "after-id", "ids", "include-groupchat",
        ])
        #expect(fields.first?.firstChild(named: "value", namespace: "jabber:x:data")?.text == "urn:xmpp:mam:2")
        #expect(fields.first { $0[attribute: "var"] == "ids" }?.firstChild(named: "validate") != nil)
        #expect(fields.allSatisfy { $0.firstChild(named: "required") == nil })
    }
}
