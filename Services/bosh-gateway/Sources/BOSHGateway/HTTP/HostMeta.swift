import XMPPCore

/// XEP-0156 §3: the connection methods a web client can discover at
/// `/.well-known/host-meta` (XRD, RFC 6415) and `/.well-known/host-meta.json`
/// (JRD): this gateway's BOSH and WebSocket URLs, built from the address the
/// client used (its `Host`, and `X-Forwarded-Proto` from nginx). Pure.
struct HostMeta: Equatable {
    static let boshRelation = "urn:xmpp:alt-connections:xbosh"
    static let websocketRelation = "urn:xmpp:alt-connections:websocket"

    var boshURL: String
    var websocketURL: String

    /// `nil` when `host` is not a plain `name[:port]` or `[v6]:port` (the URL
    /// would carry whatever the client put there).
    init?(host: String?, forwardedProto: String?, boshPath: String, websocketPath: String) {
        guard let host, Self.isPlainHost(host) else { return nil }
        let secure = forwardedProto?.lowercased() == "https"
        boshURL = (secure ? "https://" : "http://") + host + boshPath
        websocketURL = (secure ? "wss://" : "ws://") + host + websocketPath
    }

    var xrd: String {
        """
        <?xml version='1.0' encoding='utf-8'?>
        <XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>
          <Link rel='\(Self.boshRelation)' href='\(XMLEscaping.escaped(boshURL, quote: true))'/>
          <Link rel='\(Self.websocketRelation)' href='\(XMLEscaping.escaped(websocketURL, quote: true))'/>
        </XRD>

        """
    }

    /// The URLs hold only the characters `isPlainHost` allows and the
    /// configured paths, which contain no `"` or `\`.
    var jrd: String {
        """
        {"links":[{"rel":"\(Self.boshRelation)","href":"\(boshURL)"},\
        {"rel":"\(Self.websocketRelation)","href":"\(websocketURL)"}]}

        """
    }

    static func isPlainHost(_ host: String) -> Bool {
        guard !host.isEmpty, host.utf8.count <= 255 else { return false }
        return host.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                || $0 == "." || $0 == "-" || $0 == ":" || $0 == "[" || $0 == "]"
        }
    }
}
