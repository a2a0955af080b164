/// Which one-to-one messages a user archive keeps (XEP-0313 §5.1.1, "User
/// Archives"): what holds conversation, not state.
public enum ArchivePolicy {
    /// `chat` messages, and `normal` messages with a `<body/>`; not
    /// `groupchat`, `headline` or `error`. Not a message the sender asked not
    /// to be stored (XEP-0334 `<no-store/>`, `<no-permanent-store/>`), nor one
    /// the server wrapped itself — a carbon copy (XEP-0280) or an archive
    /// query result (XEP-0313) is a copy of something archived already.
    public static func isArchivable(_ message: XMLElement) -> Bool {
        switch message.messageType {
        case .chat:
            break
        case .normal:
            guard message.firstChild(named: "body", namespace: message.namespace) != nil else { return false }
        case .groupchat, .headline, .error, nil:
            return false
        }
        for child in message.elements {
            switch (child.namespace, child.name) {
            case (XMPPNamespace.hints, "no-store"), (XMPPNamespace.hints, "no-permanent-store"),
                (XMPPNamespace.carbons, _), (XMPPNamespace.archive, "result"):
                return false
            default:
                continue
            }
        }
        return true
    }

    /// Whether `message` is the server's answer to an archive query (a
    /// `<result/>` wrapper): only the querying session has a use for it.
    public static func isQueryResult(_ message: XMLElement) -> Bool {
        message.firstChild(named: "result", namespace: XMPPNamespace.archive) != nil
    }
}
