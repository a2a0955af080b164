import NIOCore
import NIOHTTP1

/// A whole HTTP request, as `HTTPBodyLimitHandler` hands it on: its head and
/// up to the size limit of its body.
public struct HTTPRequest: Sendable {
    public var head: HTTPRequestHead
    public var body: ByteBuffer
    /// The body was longer than the limit; `body` holds its beginning only.
    public var isTruncated: Bool

    public init(head: HTTPRequestHead, body: ByteBuffer, isTruncated: Bool = false) {
        self.head = head
        self.body = body
        self.isTruncated = isTruncated
    }

    /// The path without query string or fragment.
    public var path: String {
        let uri = head.uri
        let end = uri.firstIndex { $0 == "?" || $0 == "#" } ?? uri.endIndex
        return String(uri[..<end])
    }
}
