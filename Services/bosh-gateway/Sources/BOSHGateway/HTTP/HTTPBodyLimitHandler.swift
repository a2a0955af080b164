import NIOCore
import NIOHTTP1

/// Gathers each request's parts into one `HTTPRequest`, keeping at most
/// `maxBodySize` bytes of body: a longer body is read to its end but not kept,
/// and the request goes on marked truncated, with the body's beginning (for
/// the `<body/>` wrapper's attributes). Writes `HTTPResponse`s as head, body
/// and end with `Content-Length`, and closes a connection the client asked
/// not to keep alive once its response is out.
final class HTTPBodyLimitHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPRequest
    typealias OutboundIn = HTTPResponse
    typealias OutboundOut = HTTPServerResponsePart

    let maxBodySize: Int
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()
    private var truncated = false
    /// Requests whose responses are still to be written, in order (HTTP/1.1
    /// pipelining is serialized by `HTTPServerPipelineHandler` before us).
    private var open: [HTTPRequestHead] = []

    init(maxBodySize: Int) {
        self.maxBodySize = maxBodySize
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = context.channel.allocator.buffer(capacity: 0)
            truncated = false
        case .body(var chunk):
            guard !truncated else { return }
            if body.readableBytes + chunk.readableBytes > maxBodySize {
                truncated = true
                if let rest = chunk.readSlice(length: maxBodySize - body.readableBytes) { body.writeImmutableBuffer(rest) }
            } else {
                body.writeBuffer(&chunk)
            }
        case .end:
            guard let head else { return }
            self.head = nil
            open.append(head)
            context.fireChannelRead(wrapInboundOut(HTTPRequest(head: head, body: body, isTruncated: truncated)))
            body = ByteBuffer()
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        var response = unwrapOutboundIn(data)
        let request = open.isEmpty ? nil : open.removeFirst()
        let keepAlive = request?.isKeepAlive ?? false
        response.headers.replaceOrAdd(name: "content-length", value: String(response.body.readableBytes))
        if !keepAlive { response.headers.replaceOrAdd(name: "connection", value: "close") }
        let version = request?.version ?? .http1_1
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: version, status: response.status, headers: response.headers))), promise: nil)
        if !response.omitsBody, response.body.readableBytes > 0 {
            context.write(wrapOutboundOut(.body(.byteBuffer(response.body))), promise: nil)
        }
        let written = context.eventLoop.makePromise(of: Void.self)
        context.write(wrapOutboundOut(.end(nil)), promise: written)
        if !keepAlive {
            let channel = context.channel
            written.futureResult.whenComplete { _ in channel.close(promise: nil) }
        }
        written.futureResult.cascade(to: promise)
    }
}
