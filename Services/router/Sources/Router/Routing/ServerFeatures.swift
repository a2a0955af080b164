import XMPPCore

/// What the server says about itself: XEP-0030 identities and features (exactly
/// what is implemented) and XEP-0092 version.
public enum ServerFeatures {
    public static let name = "Trellis"
    public static let softwareVersion = "0.1.0"

    /// Features of the server's domain; with archives on, the server stamps
    /// XEP-0359 stanza ids on what it archives.
    public static func features(archiving: Bool) -> [String] {
        ([
            XMPPNamespace.discoInfo, XMPPNamespace.discoItems, XMPPNamespace.ping, XMPPNamespace.version,
            XMPPNamespace.roster, XMPPNamespace.vcard, XMPPNamespace.privateXML, "msgoffline",
            XMPPNamespace.carbons, XMPPNamespace.blocking,
        ] + (archiving ? [XMPPNamespace.stanzaID] : [])).sorted()
    }

    /// Features of an account's bare JID: its archive's (XEP-0313 §7) when
    /// `archive` — to the account's owner.
    public static func accountFeatures(archive: Bool) -> [String] {
        [XMPPNamespace.discoInfo]
            + (archive ? [XMPPNamespace.archive, XMPPNamespace.archiveExtended, XMPPNamespace.archiveGroupchatField] : [])
    }

    public static func discoInfo(archiving: Bool) -> XMLElement {
        info(identity: ["category": "server", "type": "im", "name": name], features: features(archiving: archiving))
    }

    public static func accountDiscoInfo(archive: Bool) -> XMLElement {
        info(identity: ["category": "account", "type": "registered"], features: accountFeatures(archive: archive))
    }

    private static func info(identity: KeyValuePairs<String, String>, features: [String]) -> XMLElement {
        var query = XMLElement(name: "query", namespace: XMPPNamespace.discoInfo)
        query.append(XMLElement("identity", namespace: XMPPNamespace.discoInfo, attributes: identity))
        for feature in features {
            query.append(XMLElement("feature", namespace: XMPPNamespace.discoInfo, attributes: ["var": feature]))
        }
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
