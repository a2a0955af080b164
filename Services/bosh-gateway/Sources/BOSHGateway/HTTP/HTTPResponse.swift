import NIOCore
import NIOHTTP1

/// A whole HTTP response; the handlers after `HTTPBodyLimitHandler` write
/// these, and each may add headers on the way out (cookie, CORS).
public struct HTTPResponse: Sendable {
    public var status: HTTPResponseStatus
    public var headers: HTTPHeaders
    public var body: ByteBuffer
    /// For `HEAD`: send `Content-Length` of `body`, but not the body.
    public var omitsBody: Bool

    public init(status: HTTPResponseStatus, headers: HTTPHeaders = [:], body: ByteBuffer = ByteBuffer(), omitsBody: Bool = false) {
        self.status = status
        self.headers = headers
        self.body = body
        self.omitsBody = omitsBody
    }

    /// A short plain-text answer (errors of the HTTP layer itself).
    public static func text(_ status: HTTPResponseStatus, _ text: String, headers: HTTPHeaders = [:]) -> HTTPResponse {
        var headers = headers
        headers.replaceOrAdd(name: "content-type", value: "text/plain; charset=utf-8")
        return HTTPResponse(status: status, headers: headers, body: ByteBuffer(string: text))
    }
}
