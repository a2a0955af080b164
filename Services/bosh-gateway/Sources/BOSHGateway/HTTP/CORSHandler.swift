import NIOCore
import NIOHTTP1

/// CORS for browsers whose page comes from another origin (`bosh.cors_origins`):
/// answers `OPTIONS` pre-flight requests itself, and adds the allow headers to
/// every response to an allowed `Origin`. An origin that is not listed gets no
/// CORS headers (the browser then refuses the response); an empty list turns
/// CORS off. `*` in the list allows any origin, without credentials.
final class CORSHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequest
    typealias InboundOut = HTTPRequest
    typealias OutboundIn = HTTPResponse
    typealias OutboundOut = HTTPResponse

    static let methods = "GET, HEAD, POST, OPTIONS"
    static let maxAge = "86400"

    let origins: Set<String>
    /// The origin of each request still to be answered, in order (nil: none allowed).
    private var pending: [String?] = []

    init(origins: [String]) {
        self.origins = Set(origins)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let request = unwrapInboundIn(data)
        pending.append(allowedOrigin(request.head.headers.first(name: "origin")))
        guard request.head.method == .OPTIONS else {
            return context.fireChannelRead(data)
        }
        // Written from here, the answer does not pass this handler's `write`.
        let origin = pending.removeLast()
        var headers: HTTPHeaders = ["allow": Self.methods]
        if let origin {
            Self.addAllowHeaders(origin, to: &headers)
            headers.add(name: "access-control-allow-methods", value: Self.methods)
            // The BOSH client sends Content-Type: text/xml, which needs pre-flight.
            headers.add(name: "access-control-allow-headers", value: "Content-Type")
            headers.add(name: "access-control-max-age", value: Self.maxAge)
        }
        context.writeAndFlush(wrapOutboundOut(HTTPResponse(status: .noContent, headers: headers)), promise: nil)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let origin = pending.isEmpty ? nil : pending.removeFirst()
        guard let origin else { return context.write(data, promise: promise) }
        var response = unwrapOutboundIn(data)
        Self.addAllowHeaders(origin, to: &response.headers)
        context.write(wrapOutboundOut(response), promise: promise)
    }

    static func addAllowHeaders(_ origin: String, to headers: inout HTTPHeaders) {
        headers.replaceOrAdd(name: "access-control-allow-origin", value: origin)
        if origin != "*" {
            // The vroute cookie must travel with cross-origin requests (withCredentials).
            headers.replaceOrAdd(name: "access-control-allow-credentials", value: "true")
            headers.add(name: "vary", value: "Origin")
        }
    }

    /// The value of `Access-Control-Allow-Origin` for this request's `Origin`, if allowed.
    func allowedOrigin(_ origin: String?) -> String? {
        guard let origin, !origins.isEmpty else { return nil }
        if origins.contains(origin) { return origin }
        return origins.contains("*") ? "*" : nil
    }
}
