import NIOCore
import NIOHTTP1
import XMPPCore

/// `POST` on the BOSH paths (`bind`, default `/xmpp`, and `/http-bind`):
/// parses the `<body/>` wrapper and hands it to the sessions; the answer is
/// written whenever the session gives it (at once, or after holding the
/// request up to `wait`). Other paths go on to the static files.
final class BOSHRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequest
    typealias InboundOut = HTTPRequest
    typealias OutboundOut = HTTPResponse

    let paths: Set<String>
    let sessions: BOSHSessions
    let limits: XMLStreamParser.Limits

    init(paths: Set<String>, sessions: BOSHSessions, limits: XMLStreamParser.Limits) {
        self.paths = Set(paths.map(Self.normalised))
        self.sessions = sessions
        self.limits = limits
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let request = unwrapInboundIn(data)
        guard paths.contains(Self.normalised(request.path)) else { return context.fireChannelRead(data) }
        guard request.head.method == .POST else {
            let response = HTTPResponse.text(.methodNotAllowed, "BOSH takes POST\n", headers: ["allow": "POST, OPTIONS"])
            return context.writeAndFlush(wrapOutboundOut(response), promise: nil)
        }
        let promise = context.eventLoop.makePromise(of: HTTPResponse.self)
        promise.futureResult.assumeIsolated().whenSuccess { response in
            context.writeAndFlush(self.wrapOutboundOut(response), promise: nil)
        }
        let bytes = Array(request.body.readableBytesView)
        if request.isTruncated {
            return sessions.reject(
                wrapper: BOSHRequestBody.wrapper(of: bytes, limits: limits), condition: .policyViolation, promise: promise)
        }
        switch BOSHRequestBody.parse(bytes, limits: limits) {
        case .success(let body):
            sessions.handle(body, promise: promise)
        case .failure(let error):
            sessions.reject(wrapper: BOSHRequestBody.wrapper(of: bytes, limits: limits), condition: error.condition, promise: promise)
        }
    }

    /// `/xmpp/` and `/xmpp` are the same endpoint.
    static func normalised(_ path: String) -> String {
        path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }
}
