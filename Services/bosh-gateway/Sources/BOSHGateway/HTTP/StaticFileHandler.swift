import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The last handler: `GET`/`HEAD` of files under the static `root` (Vines
/// `root`, a web client beside BOSH). Files are read on NIO's blocking thread
/// pool, never on the event loop. Anything else: no root or no such file →
/// 404, a refused path (`..`, dot-files) → 403, another method → 405.
final class StaticFileHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequest
    typealias OutboundOut = HTTPResponse

    let files: StaticFiles?
    let maxFileSize: Int

    init(root: String?, maxFileSize: Int = 16 * 1024 * 1024) {
        self.files = root.map(StaticFiles.init(root:))
        self.maxFileSize = maxFileSize
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let request = unwrapInboundIn(data)
        guard let files else { return respond(context, .text(.notFound, "not found\n")) }
        guard request.head.method == .GET || request.head.method == .HEAD else {
            return respond(context, .text(.methodNotAllowed, "method not allowed\n", headers: ["allow": "GET, HEAD"]))
        }
        guard let path = files.resolve(request.path) else { return respond(context, .text(.forbidden, "forbidden\n")) }
        let head = request.head.method == .HEAD
        let maxFileSize = self.maxFileSize
        let loaded = NIOThreadPool.singleton.runIfActive(eventLoop: context.eventLoop) {
            Self.load(path, maxFileSize: maxFileSize)
        }
        loaded.assumeIsolated().whenComplete { result in
            var response: HTTPResponse
            switch result {
            case .success(.file(let bytes, let type)):
                response = HTTPResponse(status: .ok, headers: ["content-type": type], body: ByteBuffer(bytes: bytes))
            case .success(.tooLarge):
                response = .text(.internalServerError, "file too large\n")
            case .success(.notFound), .failure:
                response = .text(.notFound, "not found\n")
            }
            response.omitsBody = head
            self.respond(context, response)
        }
    }

    private func respond(_ context: ChannelHandlerContext, _ response: HTTPResponse) {
        context.writeAndFlush(wrapOutboundOut(response), promise: nil)
    }

    enum Loaded: Sendable {
        case file([UInt8], contentType: String)
        case notFound
        case tooLarge
    }

    /// Blocking: reads a regular file (a directory means its `index.html`).
    static func load(_ path: String, maxFileSize: Int) -> Loaded {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return .notFound }
        let file = isDirectory.boolValue ? path + "/index.html" : path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: file),
            attributes[.type] as? FileAttributeType == .typeRegular,
            let size = attributes[.size] as? NSNumber
        else { return .notFound }
        guard size.intValue <= maxFileSize else { return .tooLarge }
        guard let data = FileManager.default.contents(atPath: file) else { return .notFound }
        return .file(Array(data), contentType: StaticFiles.contentType(for: file))
    }
}
