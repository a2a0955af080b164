/// A XEP-0004 data form, as far as a server reads submitted forms and writes
/// blank ones: its type, and its fields with their values in order.
public struct DataForm: Sendable, Hashable {
    public struct Field: Sendable, Hashable {
        public var variable: String
        public var type: String?
        public var values: [String]
        /// Extra children written after the values (a XEP-0122 `<validate/>`).
        public var extras: [XMLElement]

        public init(_ variable: String, type: String? = nil, values: [String] = [], extras: [XMLElement] = []) {
            self.variable = variable
            self.type = type
            self.values = values
            self.extras = extras
        }
    }

    /// `form`, `submit`, `cancel` or `result` (§3.3).
    public var type: String
    public var fields: [Field]

    public init(type: String, fields: [Field]) {
        self.type = type
        self.fields = fields
    }

    /// XEP-0068: the hidden field naming the form's type.
    public static let formTypeField = "FORM_TYPE"

    /// The value of `FORM_TYPE`, if the form has one.
    public var formType: String? {
        fields.first { $0.variable == Self.formTypeField }?.values.first
    }

    /// Reads `<x xmlns='jabber:x:data'/>`. Throws `bad-request` for a field
    /// without `var` (§3.2 requires it except for `fixed` fields, which carry
    /// no value to submit) or a variable given twice (§3.2).
    public init(element: XMLElement) throws(StanzaError) {
        guard element.name == "x", element.namespace == XMPPNamespace.dataForms else {
            throw StanzaError(.badRequest, text: "not a data form")
        }
        var fields: [Field] = []
        var seen: Set<String> = []
        for field in element.children(named: "field", namespace: XMPPNamespace.dataForms) {
            guard let variable = field[attribute: "var"] else {
                if field[attribute: "type"] == "fixed" { continue }
                throw StanzaError(.badRequest, text: "a form field without var")
            }
            guard seen.insert(variable).inserted else { throw StanzaError(.badRequest, text: "field \(variable) is given twice") }
            let values = field.children(named: "value", namespace: XMPPNamespace.dataForms).map(\.text)
            fields.append(Field(variable, type: field[attribute: "type"], values: values))
        }
        self.init(type: element[attribute: "type"] ?? "", fields: fields)
    }

    /// `<x xmlns='jabber:x:data' type='…'>` with its fields.
    public var element: XMLElement {
        var form = XMLElement("x", namespace: XMPPNamespace.dataForms, attributes: ["type": type])
        for field in fields {
            var element = XMLElement("field", namespace: XMPPNamespace.dataForms, attributes: ["var": field.variable])
            if let type = field.type { element[attribute: "type"] = type }
            for value in field.values {
                var valueElement = XMLElement(name: "value", namespace: XMPPNamespace.dataForms)
                valueElement.append(text: value)
                element.append(valueElement)
            }
            for extra in field.extras { element.append(extra) }
            form.append(element)
        }
        return form
    }
}
