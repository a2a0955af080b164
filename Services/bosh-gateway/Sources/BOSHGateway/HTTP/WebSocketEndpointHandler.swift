import NIOCore
import NIOHTTP1
import NIOWebSocket

/// Requests to the WebSocket path that were not upgraded (RFC 7395 §3.1):
/// without an `Upgrade: websocket` → `426 Upgrade Required`; an upgrade that
/// did not offer the `xmpp` subprotocol, was not a valid WebSocket handshake
/// (RFC 6455 §4.2.1), or was not the first request on its connection → `400`;
/// during shutdown → `503`. Other paths go on.
final class WebSocketEndpointHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequest
    typealias InboundOut = HTTPRequest
    typealias OutboundOut = HTTPResponse

    let path: String
    let sessions: WebSocketSessions

    init(sessions: WebSocketSessions) {
        self.path = WebSocketHandshake.normalised(sessions.settings.path)
        self.sessions = sessions
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let request = unwrapInboundIn(data)
        guard WebSocketHandshake.normalised(request.path) == path else { return context.fireChannelRead(data) }
        let asksForWebSocket = request.head.headers["upgrade"].contains { $0.lowercased() == "websocket" }
        if asksForWebSocket { WebSocketMetrics.upgrade("refused") }
        let response: HTTPResponse
        if sessions.isClosing {
            response = .text(.serviceUnavailable, "shutting down\n")
        } else if !asksForWebSocket {
            response = .text(
                .upgradeRequired, "XMPP over WebSocket (RFC 7395): upgrade to websocket with subprotocol xmpp\n",
                headers: ["upgrade": "websocket", "sec-websocket-protocol": XMPPFraming.subprotocol])
        } else if !WebSocketHandshake.offersXMPP(request.head.headers) {
            response = .text(.badRequest, "RFC 7395 §3.1: offer the WebSocket subprotocol xmpp\n")
        } else {
            response = .text(.badRequest, "not a valid WebSocket handshake (RFC 6455 §4.2.1)\n")
        }
        context.writeAndFlush(wrapOutboundOut(response), promise: nil)
    }

    /// NIO's upgrade handler reports a refused upgrade as an error before it
    /// passes the request on as plain HTTP; the request is answered above.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is NIOWebSocketUpgradeError { return }
        context.fireErrorCaught(error)
    }
}
