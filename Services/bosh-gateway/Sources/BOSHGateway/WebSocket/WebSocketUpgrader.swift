import NIOCore
import NIOHTTP1
import NIOWebSocket

/// NIO's WebSocket upgrader for the gateway's HTTP listener: upgrades a
/// request to the XMPP WebSocket endpoint that offers the `xmpp`
/// subprotocol (`WebSocketHandshake`), and builds the upgraded pipeline:
///
/// ```
/// WebSocketFrameEncoder, WebSocketFrameDecoder (NIO, added by the upgrader)
///   ─► NIOWebSocketFrameAggregator (fragments → one message, ≤ max_stanza_size)
///   ─► IdleStateHandler (websocket.idle_timeout_seconds)
///   ─► XMPPWebSocketHandler ─► WebSocketSessionLoop ─► ClientSession
/// ```
///
/// A refused request goes on as plain HTTP, where `WebSocketEndpointHandler`
/// answers it.
enum WebSocketUpgrader {
    static func make(sessions: WebSocketSessions, vroute: String?) -> NIOWebSocketServerUpgrader {
        let settings = sessions.settings
        let maxMessageSize = settings.limits.maxStanzaSize
        return NIOWebSocketServerUpgrader(
            // Frames over the limit are refused before they are buffered (RFC 6120 §4.9.3.14).
            maxFrameSize: maxMessageSize,
            automaticErrorHandling: false,
            shouldUpgrade: { channel, head in
                let decision = WebSocketHandshake.evaluate(
                    head, path: settings.path, vroute: vroute, shuttingDown: sessions.isClosing)
                switch decision {
                case .success(let headers):
                    WebSocketMetrics.upgrade("accepted")
                    return channel.eventLoop.makeSucceededFuture(headers)
                case .failure:
                    // Answered (and counted) as plain HTTP by WebSocketEndpointHandler.
                    return channel.eventLoop.makeSucceededFuture(nil)
                }
            },
            upgradePipelineHandler: { channel, _ in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(
                        NIOWebSocketFrameAggregator(
                            minNonFinalFragmentSize: 0, maxAccumulatedFrameCount: 256,
                            maxAccumulatedFrameSize: maxMessageSize))
                    try pipeline.addHandler(IdleStateHandler(readTimeout: settings.idleTimeout))
                    try pipeline.addHandler(XMPPWebSocketHandler(sessions: sessions))
                }
            })
    }
}
