import NIOCore
import NIOHTTP1
import Prometheus

/// Answers one admin request per connection, then closes it:
/// `GET /health` → 200, `GET /ready` → 200 or 503 naming the failing checks,
/// `GET /metrics` → the Prometheus text format, other paths → 404, other
/// methods → 405. Closing after each response means a graceful shutdown
/// never waits on an idle keep-alive connection.
final class AdminHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let readiness: Readiness
    private let registry: PrometheusCollectorRegistry
    private var request: HTTPRequestHead?

    init(readiness: Readiness, registry: PrometheusCollectorRegistry) {
        self.readiness = readiness
        self.registry = registry
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): request = head
        case .body: break  // admin requests carry no body; ignore it
        case .end:
            guard let head = request else { return }
            request = nil
            let response = Self.response(
                method: head.method, uri: head.uri, readiness: readiness, registry: registry)
            write(response, version: head.version, context: context)
        }
    }

    struct Response {
        var status: HTTPResponseStatus
        var contentType = "text/plain; charset=utf-8"
        var body: [UInt8]
        var headers: [(String, String)] = []
    }

    /// The routing, apart from any I/O.
    static func response(
        method: HTTPMethod, uri: String, readiness: Readiness, registry: PrometheusCollectorRegistry
    ) -> Response {
        let path = uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? uri
        guard ["/health", "/ready", "/metrics"].contains(path) else {
            return Response(status: .notFound, body: Array("not found\n".utf8))
        }
        guard method == .GET else {
            return Response(
                status: .methodNotAllowed, body: Array("method not allowed\n".utf8),
                headers: [("allow", "GET")])
        }
        switch path {
        case "/health":
            return Response(status: .ok, body: Array("ok\n".utf8))
        case "/ready":
            let failing = readiness.failing
            if failing.isEmpty { return Response(status: .ok, body: Array("ready\n".utf8)) }
            let text = "not ready\n" + failing.map { "failing: \($0)\n" }.joined()
            return Response(status: .serviceUnavailable, body: Array(text.utf8))
        default:
            var body: [UInt8] = []
            registry.emit(into: &body)
            return Response(
                status: .ok, contentType: "text/plain; version=0.0.4; charset=utf-8", body: body)
        }
    }

    private func write(_ response: Response, version: HTTPVersion, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: response.contentType)
        headers.add(name: "content-length", value: String(response.body.count))
        headers.add(name: "connection", value: "close")
        for (name, value) in response.headers { headers.add(name: name, value: value) }
        let head = HTTPResponseHead(version: version, status: response.status, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: response.body)))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
