import NIOCore
import NIOHTTP1

/// Sets the `vroute` cookie on every response (docs/bosh-behind-nginx.md): the
/// value nginx routes this replica's sessions by. Without a value (it could not
/// be derived) it sets nothing.
final class VRouteCookieHandler: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPResponse
    typealias OutboundOut = HTTPResponse

    let cookie: String?

    /// - Parameter vroute: already restricted to `[A-Za-z0-9_-]` by the configuration.
    init(vroute: String?) {
        cookie = vroute.map(Self.cookie)
    }

    /// The `Set-Cookie` value for a replica's `vroute` (also on the WebSocket `101`).
    static func cookie(_ vroute: String) -> String {
        "vroute=\(vroute); Path=/; HttpOnly"
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard let cookie else { return context.write(data, promise: promise) }
        var response = unwrapOutboundIn(data)
        response.headers.add(name: "set-cookie", value: cookie)
        context.write(wrapOutboundOut(response), promise: promise)
    }
}
