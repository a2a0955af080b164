/// The namespaces BOSH (XEP-0124) and XMPP over BOSH (XEP-0206) use.
public enum BOSHNamespace {
    /// The `<body/>` wrapper (XEP-0124 §4).
    public static let httpbind = "http://jabber.org/protocol/httpbind"
    /// `xmpp:version`, `xmpp:restart` and `xmpp:restartlogic` (XEP-0206 §4, §5).
    public static let xbosh = "urn:xmpp:xbosh"
    /// `stream:features` and `stream:error` inside a body.
    public static let streams = "http://etherx.jabber.org/streams"
    /// Payloads are XMPP client stanzas (XEP-0206 §6).
    public static let client = "jabber:client"
}
