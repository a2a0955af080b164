/// An XML element as the XMPP layers see it: a local name, the namespace it is in,
/// its attributes in document order and its children.
///
/// The streaming parser (`XMLStreamParser`) produces these for every top-level
/// stanza, and `XMLElement.serialized()` turns them back into bytes.
/// Namespaces are kept resolved (`namespace` is the URI, never a prefix), so two
/// stanzas that differ only in how they spelled their prefixes compare equal.
public struct XMLElement: Sendable, Hashable {
    /// Local name, without any prefix (`message`, `features`).
    public var name: String
    /// Namespace URI the element is in, or `nil` for no namespace.
    public var namespace: String?
    /// Attributes in document order. Namespace declarations (`xmlns`, `xmlns:p`) are not
    /// attributes here; the serializer writes the declarations it needs.
    public var attributes: [XMLAttribute]
    /// Element and text children in document order.
    public var children: [XMLNode]

    public init(
        name: String,
        namespace: String? = nil,
        attributes: [XMLAttribute] = [],
        children: [XMLNode] = []
    ) {
        self.name = name
        self.namespace = namespace
        self.attributes = attributes
        self.children = children
    }

    /// Convenience: build from a dictionary-like list of `(name, value)` pairs.
    public init(
        _ name: String,
        namespace: String? = nil,
        attributes: KeyValuePairs<String, String>,
        children: [XMLNode] = []
    ) {
        self.init(
            name: name, namespace: namespace,
            attributes: attributes.map { XMLAttribute(name: $0.key, value: $0.value) },
            children: children)
    }
}

/// One attribute. `name` is the qualified name as it is written (`type`, `xml:lang`).
/// Only the `xml:` prefix is meaningful in XMPP attributes; other prefixed
/// attributes keep their namespace URI in `namespace`.
public struct XMLAttribute: Sendable, Hashable {
    public var name: String
    public var namespace: String?
    public var value: String

    public init(name: String, namespace: String? = nil, value: String) {
        self.name = name
        self.namespace = namespace
        self.value = value
    }
}

/// A child of an element.
public enum XMLNode: Sendable, Hashable {
    case element(XMLElement)
    case text(String)
}

extension XMLElement {
    /// The value of the attribute named `name` (qualified, e.g. `xml:lang`), if present.
    public subscript(attribute name: String) -> String? {
        get { attributes.first { $0.name == name }?.value }
        set {
            if let index = attributes.firstIndex(where: { $0.name == name }) {
                if let newValue {
                    attributes[index].value = newValue
                } else {
                    attributes.remove(at: index)
                }
            } else if let newValue {
                attributes.append(XMLAttribute(name: name, value: newValue))
            }
        }
    }

    /// Element children, skipping text.
    public var elements: [XMLElement] {
        children.compactMap { if case .element(let element) = $0 { element } else { nil } }
    }

    /// The first child element with this name and (when given) namespace.
    public func firstChild(named name: String, namespace: String? = nil) -> XMLElement? {
        elements.first { $0.name == name && (namespace == nil || $0.namespace == namespace) }
    }

    /// This element without the child elements `isRemoved` picks; this very
    /// element, not a copy, when it picks none (the common case on a hot path).
    public func removingChildElements(where isRemoved: (XMLElement) -> Bool) -> XMLElement {
        func picked(_ node: XMLNode) -> Bool {
            if case .element(let element) = node { isRemoved(element) } else { false }
        }
        guard children.contains(where: picked) else { return self }
        var copy = self
        copy.children.removeAll(where: picked)
        return copy
    }

    /// All child elements with this name and (when given) namespace.
    public func children(named name: String, namespace: String? = nil) -> [XMLElement] {
        elements.filter { $0.name == name && (namespace == nil || $0.namespace == namespace) }
    }

    /// The concatenated text of the direct text children.
    public var text: String {
        var result = ""
        for child in children { if case .text(let string) = child { result += string } }
        return result
    }

    /// Appends a child element.
    public mutating func append(_ element: XMLElement) {
        children.append(.element(element))
    }

    /// Appends text.
    public mutating func append(text: String) {
        children.append(.text(text))
    }
}
