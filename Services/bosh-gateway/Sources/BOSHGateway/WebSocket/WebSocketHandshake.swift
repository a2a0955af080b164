import NIOHTTP1

/// Whether an HTTP upgrade request may become an XMPP WebSocket (RFC 7395
/// §3.1), and the headers our `101 Switching Protocols` adds. Pure; NIO's
/// upgrader checks the WebSocket parts (`Sec-WebSocket-Key`, version 13,
/// RFC 6455 §4.2.1) and computes `Sec-WebSocket-Accept`.
enum WebSocketHandshake {
    enum Refusal: Error, Equatable {
        /// Not the endpoint's path: the request goes on as plain HTTP.
        case otherPath
        /// The client did not offer the `xmpp` subprotocol (RFC 7395 §3.1).
        case noXMPPSubprotocol
        /// The gateway is shutting down.
        case shuttingDown
    }

    /// - Parameters:
    ///   - path: the endpoint's path (`websocket.path`); a trailing `/` and a query are ignored.
    ///   - vroute: the replica's cookie value, set on the `101` as on every BOSH
    ///     response, so nginx keeps the socket's replica (docs/bosh-behind-nginx.md).
    static func evaluate(
        _ head: HTTPRequestHead, path: String, vroute: String?, shuttingDown: Bool
    ) -> Result<HTTPHeaders, Refusal> {
        guard normalised(requestPath(head.uri)) == normalised(path) else { return .failure(.otherPath) }
        guard offersXMPP(head.headers) else { return .failure(.noXMPPSubprotocol) }
        guard !shuttingDown else { return .failure(.shuttingDown) }
        var headers = HTTPHeaders([("sec-websocket-protocol", XMPPFraming.subprotocol)])
        if let vroute { headers.add(name: "set-cookie", value: VRouteCookieHandler.cookie(vroute)) }
        return .success(headers)
    }

    /// `Sec-WebSocket-Protocol` lists tokens, comma-separated, possibly over
    /// several header lines (RFC 6455 §4.1, §11.3.4); tokens are case-sensitive.
    static func offersXMPP(_ headers: HTTPHeaders) -> Bool {
        headers["sec-websocket-protocol"].contains { line in
            line.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == XMPPFraming.subprotocol }
        }
    }

    static func requestPath(_ uri: String) -> String {
        let end = uri.firstIndex { $0 == "?" || $0 == "#" } ?? uri.endIndex
        return String(uri[..<end])
    }

    static func normalised(_ path: String) -> String {
        path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }
}
