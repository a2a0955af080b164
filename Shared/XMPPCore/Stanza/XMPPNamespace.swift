/// XML namespace names used across XMPP.
public enum XMPPNamespace {
    /// RFC 6120 §4.8.3: content namespace of client-to-server streams.
    public static let client = "jabber:client"
    /// RFC 6120 §4.8.3: content namespace of server-to-server streams.
    public static let server = "jabber:server"
    /// RFC 6120 §4.8.1: the stream namespace (`stream:` prefix).
    public static let streams = "http://etherx.jabber.org/streams"
    /// RFC 6120 §4.9.3: stream error conditions.
    public static let streamErrors = "urn:ietf:params:xml:ns:xmpp-streams"
    /// RFC 6120 §8.3.3: stanza error conditions.
    public static let stanzas = "urn:ietf:params:xml:ns:xmpp-stanzas"
    /// RFC 6120 §6.4: SASL negotiation.
    public static let sasl = "urn:ietf:params:xml:ns:xmpp-sasl"
    /// RFC 6120 §5.4: STARTTLS negotiation.
    public static let tls = "urn:ietf:params:xml:ns:xmpp-tls"
    /// RFC 6120 §7.4: resource binding.
    public static let bind = "urn:ietf:params:xml:ns:xmpp-bind"
    /// RFC 3921 §3 (session establishment; optional per draft-cridland-xmpp-session).
    public static let session = "urn:ietf:params:xml:ns:xmpp-session"
    /// RFC 6121 §2.1: the roster.
    public static let roster = "jabber:iq:roster"
    /// XEP-0199: XMPP Ping.
    public static let ping = "urn:xmpp:ping"
    /// XEP-0030: service discovery, info.
    public static let discoInfo = "http://jabber.org/protocol/disco#info"
    /// XEP-0030: service discovery, items.
    public static let discoItems = "http://jabber.org/protocol/disco#items"
    /// XEP-0092: software version.
    public static let version = "jabber:iq:version"
    /// XEP-0054: vcard-temp.
    public static let vcard = "vcard-temp"
    /// XEP-0049: private XML storage.
    public static let privateXML = "jabber:iq:private"
    /// XEP-0203: delayed delivery.
    public static let delay = "urn:xmpp:delay"
    /// XEP-0280: message carbons.
    public static let carbons = "urn:xmpp:carbons:2"
    /// XEP-0297: stanza forwarding (the wrapper of a carbon copy).
    public static let forward = "urn:xmpp:forward:0"
    /// XEP-0334: message processing hints (`no-copy`).
    public static let hints = "urn:xmpp:hints"
    /// XEP-0313: message archive management.
    public static let archive = "urn:xmpp:mam:2"
    /// XEP-0313 §7: the fields, flipped pages and metadata beyond `urn:xmpp:mam:2`.
    public static let archiveExtended = "urn:xmpp:mam:2#extended"
    /// XEP-0313 §7: the server understands the `include-groupchat` field.
    public static let archiveGroupchatField = "urn:xmpp:mam:2#groupchat-field"
    /// XEP-0359: unique and stable stanza ids.
    public static let stanzaID = "urn:xmpp:sid:0"
    /// XEP-0059: result set management.
    public static let resultSet = "http://jabber.org/protocol/rsm"
    /// XEP-0004: data forms.
    public static let dataForms = "jabber:x:data"
    /// XEP-0191: blocking command.
    public static let blocking = "urn:xmpp:blocking"
    /// XEP-0191 §3.3: the application error condition `<blocked/>`.
    public static let blockingErrors = "urn:xmpp:blocking:errors"
    /// XEP-0352: client state indication.
    public static let clientStateIndication = "urn:xmpp:csi:0"
    /// XEP-0124: BOSH.
    public static let bosh = "http://jabber.org/protocol/httpbind"
    /// XEP-0206: XMPP over BOSH.
    public static let xbosh = "urn:xmpp:xbosh"
    /// XML 1.0 / Namespaces in XML §3: the namespace bound to the `xml:` prefix.
    public static let xml = "http://www.w3.org/XML/1998/namespace"
}
