/// Reading the `<query xmlns='urn:xmpp:mam:2'/>` of an IQ set (§4).
extension ArchiveQuery {
    /// The fields a query form may carry (§4.1, §8.2), with the type the
    /// form-discovery answer gives each.
    public static let fields: [DataForm.Field] = [
        DataForm.Field("with", type: "jid-single"),
        DataForm.Field("start", type: "text-single"),
        DataForm.Field("end", type: "text-single"),
        DataForm.Field("before-id", type: "text-single"),
        DataForm.Field("after-id", type: "text-single"),
        DataForm.Field(
            "ids", type: "list-multi",
            extras: [
                // XEP-0122: the list is open; the server never lists archive ids.
                XMLElement(
                    "validate", namespace: "http://jabber.org/protocol/xdata-validate", attributes: ["datatype": "xs:string"],
                    children: [.element(XMLElement(name: "open", namespace: "http://jabber.org/protocol/xdata-validate"))]),
            ]),
        DataForm.Field("include-groupchat", type: "boolean"),
    ]

    /// Parses the payload. Throws
    /// - `bad-request` for a form that is not a submission of `urn:xmpp:mam:2`,
    ///   a field given more than one value where one is expected, a `with`
    ///   that is not a JID, a `start` or `end` that is not a XEP-0082
    ///   DateTime, an empty id, or a malformed `<set/>` (XEP-0059);
    /// - `feature-not-implemented` for a field the server does not know (§4.1.5);
    /// - `item-not-found` for a `node` (pubsub archives, XEP-0442, are not kept).
    public init(payload: XMLElement) throws(StanzaError) {
        guard payload.name == "query", payload.namespace == XMPPNamespace.archive else {
            throw StanzaError(.badRequest, text: "not an archive query")
        }
        guard payload[attribute: "node"] == nil else {
            throw StanzaError(.itemNotFound, text: "a user archive has no nodes")
        }
        var filter = Filter()
        if let formElement = payload.firstChild(named: "x", namespace: XMPPNamespace.dataForms) {
            filter = try Self.filter(from: try DataForm(element: formElement))
        }
        var page = ResultSetRequest()
        if let set = payload.firstChild(named: "set", namespace: XMPPNamespace.resultSet) {
            page = try ResultSetRequest(element: set)
        }
        self.init(
            queryID: payload[attribute: "queryid"], filter: filter, page: page,
            flipPage: payload.firstChild(named: "flip-page", namespace: XMPPNamespace.archive) != nil)
    }

    private static func filter(from form: DataForm) throws(StanzaError) -> Filter {
        guard form.type == "submit" || form.type.isEmpty else {
            throw StanzaError(.badRequest, text: "the query form is not a submission")
        }
        if let formType = form.formType, formType != XMPPNamespace.archive {
            throw StanzaError(.badRequest, text: "FORM_TYPE is not \(XMPPNamespace.archive)")
        }
        var filter = Filter()
        for field in form.fields {
            switch field.variable {
            case DataForm.formTypeField:
                continue
            case "with":
                let text = try single(field)
                guard let jid = try? JID(text) else { throw StanzaError(.badRequest, text: "with is not a JID") }
                filter.with = jid
            case "start":
                filter.start = try dateTime(field)
            case "end":
                filter.end = try dateTime(field)
            case "after-id":
                filter.afterID = try identifier(field)
            case "before-id":
                filter.beforeID = try identifier(field)
            case "ids":
                guard !field.values.contains(where: \.isEmpty) else { throw StanzaError(.badRequest, text: "an empty id") }
                filter.ids = field.values
            case "include-groupchat":
                // §4.1.4: understood; a user archive never holds groupchat messages.
                guard ["true", "false", "1", "0"].contains(try single(field)) else {
                    throw StanzaError(.badRequest, text: "include-groupchat is not a boolean")
                }
            default:
                throw StanzaError(.featureNotImplemented, text: "unknown field \(field.variable)")
            }
        }
        return filter
    }

    /// The one value of a field; an absent or empty one counts as not given.
    private static func single(_ field: DataForm.Field) throws(StanzaError) -> String {
        guard field.values.count <= 1 else { throw StanzaError(.badRequest, text: "\(field.variable) takes one value") }
        return field.values.first ?? ""
    }

    private static func dateTime(_ field: DataForm.Field) throws(StanzaError) -> Int64? {
        let text = try single(field)
        guard !text.isEmpty else { return nil }
        guard let milliseconds = XMPPDateTime.milliseconds(text) else {
            throw StanzaError(.badRequest, text: "\(field.variable) is not a XEP-0082 DateTime")
        }
        return milliseconds
    }

    private static func identifier(_ field: DataForm.Field) throws(StanzaError) -> String? {
        let text = try single(field)
        return text.isEmpty ? nil : text
    }

    /// The form-discovery answer (§4.1.5): `<query><x type='form'>` with
    /// `FORM_TYPE` and every field the server understands.
    public static var formElement: XMLElement {
        var query = XMLElement(name: "query", namespace: XMPPNamespace.archive)
        let formType = DataForm.Field(DataForm.formTypeField, type: "hidden", values: [XMPPNamespace.archive])
        query.append(DataForm(type: "form", fields: [formType] + fields).element)
        return query
    }
}
