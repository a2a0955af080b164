import NIOCore
import NIOHTTP1

/// `GET`/`HEAD` of `/.well-known/host-meta` and `/.well-known/host-meta.json`
/// (XEP-0156 §3): where this cluster's BOSH and WebSocket endpoints are.
/// Readable from any origin (`Access-Control-Allow-Origin: *`, as XEP-0156
/// asks), since it says nothing a client could not try for itself. Other
/// paths go on.
final class HostMetaHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequest
    typealias InboundOut = HTTPRequest
    typealias OutboundOut = HTTPResponse

    static let xrdPath = "/.well-known/host-meta"
    static let jrdPath = "/.well-known/host-meta.json"

    let boshPath: String
    let websocketPath: String

    init(boshPath: String, websocketPath: String) {
        self.boshPath = boshPath
        self.websocketPath = websocketPath
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let request = unwrapInboundIn(data)
        let path = request.path
        guard path == Self.xrdPath || path == Self.jrdPath else { return context.fireChannelRead(data) }
        guard request.head.method == .GET || request.head.method == .HEAD else {
            return respond(context, .text(.methodNotAllowed, "method not allowed\n", headers: ["allow": "GET, HEAD"]))
        }
        guard
            let meta = HostMeta(
                host: request.head.headers.first(name: "host"),
                forwardedProto: request.head.headers.first(name: "x-forwarded-proto"),
                boshPath: boshPath, websocketPath: websocketPath)
        else { return respond(context, .text(.badRequest, "a plain Host header is needed\n")) }
        let json = path == Self.jrdPath
        var response = HTTPResponse(
            status: .ok,
            headers: [
                "content-type": json ? "application/json" : "application/xrd+xml; charset=utf-8",
                "access-control-allow-origin": "*",
            ],
            body: ByteBuffer(string: json ? meta.jrd : meta.xrd))
        response.omitsBody = request.head.method == .HEAD
        respond(context, response)
    }

    private func respond(_ context: ChannelHandlerContext, _ response: HTTPResponse) {
        context.writeAndFlush(wrapOutboundOut(response), promise: nil)
    }
}
