import NIOCore
import NIOWebSocket
import XMPPCore

/// The last handler of an upgraded connection: runs the WebSocket side
/// (`WebSocketConnectionStateMachine`) and carries out what it decides —
/// messages to the XMPP session's task in order, pongs, the closing handshake —
/// and ends the stream on the idle and handshake timeouts (as c2s does).
final class XMPPWebSocketHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    let sessions: WebSocketSessions
    private var machine: WebSocketConnectionStateMachine
    private var connection: WebSocketConnection?

    init(sessions: WebSocketSessions) {
        self.sessions = sessions
        self.machine = WebSocketConnectionStateMachine(reader: WebSocketMessageReader(limits: sessions.settings.limits))
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let connection = WebSocketConnection(
            channel: context.channel, maxOutboundBytes: sessions.settings.environment.maxOutboundBytes)
        self.connection = connection
        sessions.start(connection)
        // As c2s: a client that has not bound a resource in time is dropped.
        context.eventLoop.scheduleTask(in: sessions.settings.handshakeTimeout) {
            guard !connection.isBound else { return }
            Task { await connection.transport.end(.connectionTimeout, text: "no resource bound in time") }
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text:
            WebSocketMetrics.messagesIn.increment()
            carryOut(machine.textReceived(frame.unmaskedData.readableBytesView), context: context)
        case .binary:
            carryOut(machine.binaryReceived(), context: context)
        case .ping:
            carryOut(machine.pingReceived(frame.unmaskedData), context: context)
        case .pong:
            break
        case .connectionClose:
            carryOut(machine.closeReceived(), context: context)
        default:
            // Continuations are joined by the aggregator before us; reserved opcodes are errors.
            carryOut(machine.protocolViolated(), context: context)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            if let connection {
                Task { await connection.transport.end(.connectionTimeout, text: "idle for too long") }
            }
            return
        }
        if let event = event as? WebSocketSessionEvent, event == .streamClosed {
            carryOut(machine.sessionClosed(), context: context)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch error {
        case NIOWebSocketError.invalidFrameLength,
            NIOWebSocketFrameAggregator.Error.accumulatedFrameSizeIsTooLarge,
            NIOWebSocketFrameAggregator.Error.tooManyFragments:
            carryOut(machine.messageTooLarge(), context: context)
        case is NIOWebSocketError, is NIOWebSocketFrameAggregator.Error:
            carryOut(machine.protocolViolated(), context: context)
        case ByteToMessageDecoderError.dataReceivedInErrorState:
            // The rest of a refused frame, or frames after it: the stream is
            // already ending, and the close timeout closes the connection.
            break
        default:
            // Resets and other I/O failures: nothing more can be said here.
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        carryOut(machine.channelInactive(), context: context)
        context.fireChannelInactive()
    }

    private func carryOut(_ actions: [WebSocketConnectionStateMachine.Action], context: ChannelHandlerContext) {
        for action in actions {
            switch action {
            case .deliver(let input):
                connection?.yield(input)
            case .pong(let data):
                context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: data)), promise: nil)
            case .sendClose(let code):
                var data = context.channel.allocator.buffer(capacity: 2)
                data.write(webSocketErrorCode: code)
                context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: data)), promise: nil)
            case .closeAfterTimeout:
                let channel = context.channel
                context.eventLoop.scheduleTask(in: sessions.settings.closeTimeout) { channel.close(promise: nil) }
            case .closeChannel:
                context.close(promise: nil)
            case .finishInput:
                connection?.finishInput()
            }
        }
    }
}
