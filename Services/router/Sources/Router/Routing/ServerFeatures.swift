import XMPPCore

/// What the server says about itself: XEP-0030 identities and features (exactly
/// what is implemented) and XEP-0092 version.
public enum ServerFeatures {
    public static let name = "Trellis"
    public static let softwareVersion = "0.1.0"

    /// Features of the server's domain.
    public static let features: [String] = [
        XMPPNamespace.discoInfo, XMPPNamespace.discoItems, XMPPNamespace.ping, XMPPNamespace.version,
        XMPPNamespace.roster, XMPPNamespace.vcard, XMPPNamespace.privateXML, "msgoffline",
        XMPPNamespace.carbons, XMPPNamespace.blocking,
    ].sorted()

    public static func discoInfo() -> XMLElement {
        var query = XMLElement(name: "query", namespace: XMPPNamespace.discoInfo)
        query.append(XMLElement("identity", namespace: XMPPNamespace.discoInfo, attributes: ["category": "server", "type": "im", "name": name]))
        for feature in features {
            query.append(XMLElement("feature", namespace: XMPPNamespace.discoInfo, attributes: ["var": feature]))
        }
        return query
    }

    public static func accountDiscoInfo() -> XMLElement {
        var query = XMLElement(name: "query", namespace: XMPPNamespace.discoInfo)
        query.append(XMLElement("identity", namespace: XMPPNamespace.discoInfo, attributes: ["category": "account", "type": "registered"]))
        query.append(XMLElement("feature", namespace: XMPPNamespace.discoInfo, attributes: ["var": XMPPNamespace.discoInfo]))
        return query
    }

    public static func version() -> XMLElement {
        var query = XMLElement(name: "query", namespace: XMPPNamespace.version)
        var nameElement = XMLElement(name: "name", namespace: XMPPNamespace.version)
        nameElement.append(text: name)
        var versionElement = XMLElement(name: "version", namespace: XMPPNamespace.version)
        versionElement.append(text: softwareVersion)
        query.append(nameElement)
        query.append(versionElement)
        return query
    }
}
