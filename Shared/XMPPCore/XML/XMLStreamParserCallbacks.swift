internal import CLibXML2

/// libxml2 SAX2 callbacks feeding `XMLStreamParserState`. Every callback that
/// would let a DTD, entity, comment or processing instruction through flags
/// `restricted-xml` and stops the parser instead.
enum XMLStreamParserCallbacks {
    static func install(into handler: inout xmlSAXHandler) {
        handler.initialized = XML_SAX2_MAGIC
        handler.startElementNs = { context, localname, prefix, uri, namespaceCount, namespaces, attributeCount, _, attributes in
            guard let state = state(context), let localname else { return }
            let name = String(cString: localname)
            let namespace = uri.map(XMLCharacterReferences.decodeNamespace)
            let attributes = readAttributes(attributes, count: Int(attributeCount))
            if state.depth == 0 {
                openStream(
                    state, name: name, prefix: prefix.map { String(cString: $0) }, namespace: namespace,
                    namespaces: namespaces, namespaceCount: Int(namespaceCount), attributes: attributes)
            } else {
                state.startElement(name: name, namespace: namespace, attributes: attributes)
            }
        }
        handler.endElementNs = { context, _, _, _ in
            state(context)?.endElement()
        }
        handler.characters = { context, characters, length in
            guard let state = state(context), let characters else { return }
            state.characters(String(decoding: UnsafeBufferPointer(start: characters, count: Int(length)), as: UTF8.self))
        }
        handler.cdataBlock = handler.characters
        handler.internalSubset = { context, _, _, _ in restricted(context, "a DTD is not allowed") }
        handler.externalSubset = { context, _, _, _ in restricted(context, "a DTD is not allowed") }
        handler.entityDecl = { context, _, _, _, _, _ in restricted(context, "entity declarations are not allowed") }
        handler.getEntity = { context, _ in
            restricted(context, "only the predefined entities are allowed")
            return nil
        }
        handler.getParameterEntity = { context, _ in
            restricted(context, "entities are not allowed")
            return nil
        }
        handler.reference = { context, _ in restricted(context, "only the predefined entities are allowed") }
        handler.comment = { context, _ in restricted(context, "comments are not allowed") }
        handler.processingInstruction = { context, _, _ in restricted(context, "processing instructions are not allowed") }
        handler.serror = { context, error in
            guard let state = state(context), let error, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
            switch Int(error.pointee.code) {
            case Int(XML_ERR_INVALID_CHAR.rawValue), Int(XML_ERR_INVALID_ENCODING.rawValue),
                Int(XML_ERR_UNSUPPORTED_ENCODING.rawValue), Int(XML_ERR_UNKNOWN_ENCODING.rawValue):
                state.fail(.unsupportedEncoding("input is not valid UTF-8"))
            default:
                state.fail(.notWellFormed("XML is not well-formed"))
            }
        }
    }
}

private func state(_ context: UnsafeMutableRawPointer?) -> XMLStreamParserState? {
    guard let context else { return nil }
    return Unmanaged<XMLStreamParserState>.fromOpaque(context).takeUnretainedValue()
}

private func restricted(_ context: UnsafeMutableRawPointer?, _ why: String) {
    state(context)?.fail(.restrictedXML(why))
}

private func openStream(
    _ state: XMLStreamParserState, name: String, prefix: String?, namespace: String?,
    namespaces: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, namespaceCount: Int, attributes: [XMLAttribute]
) {
    if let encoding = state.declaredEncoding, !["utf-8", "utf8"].contains(encoding.lowercased()) {
        state.fail(.unsupportedEncoding("only UTF-8 is supported"))
        return
    }
    var defaultNamespace: String?
    var prefixes: [String: String] = [:]
    if let namespaces {
        for index in 0..<namespaceCount {
            let uri = namespaces[index * 2 + 1].map(XMLCharacterReferences.decodeNamespace) ?? ""
            if let declared = namespaces[index * 2] {
                prefixes[String(cString: declared)] = uri
            } else {
                defaultNamespace = uri
            }
        }
    }
    state.depth = 1
    state.events.append(
        .streamOpen(
            XMLStreamHeader(
                name: name, prefix: prefix, namespace: namespace, defaultNamespace: defaultNamespace,
                declaredPrefixes: prefixes, attributes: attributes)))
    state.markBoundary()
}

/// SAX2 attributes: five pointers each — local name, prefix, URI, value start, value end.
private func readAttributes(_ raw: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, count: Int) -> [XMLAttribute] {
    guard let raw, count > 0 else { return [] }
    var attributes: [XMLAttribute] = []
    attributes.reserveCapacity(count)
    for index in 0..<count {
        let base = index * 5
        guard let localname = raw[base], let start = raw[base + 3], let end = raw[base + 4] else { continue }
        var name = String(cString: localname)
        let namespace = raw[base + 2].map(XMLCharacterReferences.decodeNamespace)
        if let prefix = raw[base + 1] { name = String(cString: prefix) + ":" + name }
        let bytes = UnsafeBufferPointer(start: start, count: end - start)
        let value = bytes.contains(UInt8(ascii: "&")) ? XMLCharacterReferences.decode(bytes) : String(decoding: bytes, as: UTF8.self)
        attributes.append(XMLAttribute(name: name, namespace: namespace, value: value))
    }
    return attributes
}

