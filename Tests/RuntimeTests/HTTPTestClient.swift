import NIOCore
import NIOPosix

/// A deliberately dumb HTTP/1.1 client for the admin endpoints: writes the
/// request bytes, reads until the server closes, splits status and body.
enum HTTPTestClient {
    struct Response {
        var status: Int
        var head: String
        var body: String
    }

    static func request(_ path: String, method: String = "GET", port: Int, host: String = "127.0.0.1") async throws -> Response {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(2))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let raw = try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\n\r\n"))
            var received = ByteBuffer()
            for try await chunk in inbound { received.writeImmutableBuffer(chunk) }
            return String(buffer: received)
        }
        let parts = raw.split(separator: "\r\n\r\n", maxSplits: 1, omittingEmptySubsequences: false)
        let head = String(parts.first ?? "")
        let statusField = head.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? -1
        return Response(status: statusField, head: head, body: parts.count > 1 ? String(parts[1]) : "")
    }
}
