import NIOCore
import NIOHTTP1

/// Request bytes that are not HTTP/1.1 (the decoder failed): answer `400 Bad
/// Request` with the `vroute` cookie and `Connection: close`, unless a
/// response has already begun; the decoder closes the connection right after.
/// Sits where NIO's `HTTPServerProtocolErrorHandler` would; NIO's does the same
/// but cannot set the cookie.
final class HTTPProtocolErrorHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    let cookie: String?
    private var responding = false

    init(vroute: String?) {
        cookie = vroute.map(VRouteCookieHandler.cookie)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is HTTPParserError, !responding {
            var headers = HTTPHeaders([("connection", "close"), ("content-length", "0")])
            if let cookie { headers.add(name: "set-cookie", value: cookie) }
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .badRequest, headers: headers))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
        context.fireErrorCaught(error)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head) where head.status.code >= 200: responding = true
        case .end: responding = false
        default: break
        }
        context.write(data, promise: promise)
    }
}
