import Foundation
import NIOCore
import NIOPosix
import XMPPCore

/// Who a load client logs in as.
struct LoadAccount: Sendable {
    var user: String
    var domain: String
    var password: String
    var resource: String

    var bare: String { "\(user)@\(domain)" }
}

/// Where the server under test listens (always loopback).
struct LoadEndpoint: Sendable {
    var host: String
    var port: Int
    var domain: String
}

/// One plain-TCP XMPP client: stream open, SASL SCRAM-SHA-1, restart, bind,
/// initial presence (RFC 6120 §4–§7, RFC 6121 §4.2). It lives on one event loop;
/// every method must be called there. Once online, stanzas go to `onStanza`.
final class LoadConnection: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    enum Failure: Error, CustomStringConvertible {
        case negotiation(String)
        case timedOut(String)
        case closed(String)

        var description: String {
            switch self {
            case .negotiation(let text): "negotiation failed: \(text)"
            case .timedOut(let phase): "timed out while \(phase)"
            case .closed(let phase): "connection closed while \(phase)"
            }
        }
    }

    enum Phase: String {
        case opening, authenticating, restarting, binding, session, awaitingPresence, online, closed
    }

    let account: LoadAccount
    let eventLoop: any EventLoop
    /// The JID the server bound.
    var fullJID = ""
    /// Stanzas once online (presence echo of the login excluded).
    var onStanza: ((XMLElement) -> Void)?
    /// Stanzas that arrive before the login completes (probe answers, for one).
    private(set) var stanzasBeforeOnline = 0

    private let online: EventLoopPromise<Void>
    let cache: SaltedPasswordCache
    private let endpoint: LoadEndpoint
    private let parser = XMLStreamParser(limits: .init(maxStanzaSize: 1 << 20, maxDepth: 64))
    private var context: ChannelHandlerContext?
    var phase = Phase.opening
    var scram: SCRAMClient
    var sessionRequired = false
    private var pendingWrites = false
    private var settled = false

    private init(account: LoadAccount, endpoint: LoadEndpoint, eventLoop: any EventLoop, cache: SaltedPasswordCache) {
        self.account = account
        self.endpoint = endpoint
        self.eventLoop = eventLoop
        self.cache = cache
        self.online = eventLoop.makePromise()
        self.scram = SCRAMClient(username: account.user, password: account.password)
    }

    /// Connects, logs in and sends initial presence; the future completes when
    /// the server has echoed that presence back (RFC 6121 §4.2.2), or fails after `timeout`.
    static func connect(
        _ account: LoadAccount, to endpoint: LoadEndpoint, on eventLoop: any EventLoop, cache: SaltedPasswordCache,
        timeout: TimeAmount
    ) -> EventLoopFuture<LoadConnection> {
        let connection = LoadConnection(account: account, endpoint: endpoint, eventLoop: eventLoop, cache: cache)
        let timer = eventLoop.scheduleTask(in: timeout) {
            connection.fail(.timedOut(connection.phase.rawValue))
        }
        ClientBootstrap(group: eventLoop)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .connectTimeout(timeout)
            .channelInitializer { channel in channel.pipeline.addHandler(connection) }
            .connect(host: endpoint.host, port: endpoint.port)
            .whenFailure { connection.fail(.closed("connecting: \($0)")) }
        return connection.online.futureResult.map {
            timer.cancel()
            return connection
        }
    }

    // MARK: - writing

    /// Queues `text`; flushed at the end of the current read or by `flush()`.
    func write(_ text: String) {
        guard let context, phase != .closed else { return }
        context.write(wrapOutboundOut(context.channel.allocator.buffer(string: text)), promise: nil)
        pendingWrites = true
    }

    func flush() {
        guard let context, pendingWrites else { return }
        pendingWrites = false
        context.flush()
    }

    func send(_ text: String) {
        write(text)
        flush()
    }

    /// Ends the stream (RFC 6120 §4.4) and closes the socket.
    func close() {
        guard let context, phase != .closed else { return }
        send("</stream:stream>")
        phase = .closed
        context.close(promise: nil)
    }

    func fail(_ failure: Failure) {
        if !settled {
            settled = true
            online.fail(failure)
        }
        guard phase != .closed else { return }
        phase = .closed
        context?.close(promise: nil)
    }

    func succeed() {
        phase = .online
        if !settled {
            settled = true
            online.succeed()
        }
    }

    func resetParser() { parser.reset() }

    func openStreamAgain() { openStream() }

    func noteEarlyStanza(_ stanza: XMLElement) { stanzasBeforeOnline += 1 }

    private func openStream() {
        send(
            "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
                + "xmlns:stream='http://etherx.jabber.org/streams' to='\(endpoint.domain)' version='1.0'>")
    }

    // MARK: - ChannelInboundHandler

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func channelActive(context: ChannelHandlerContext) { openStream() }

    func channelInactive(context: ChannelHandlerContext) {
        fail(.closed(phase.rawValue))
        phase = .closed
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(.negotiation("\(error)"))
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        let events: [XMLStreamEvent]
        do {
            events = try buffer.withUnsafeReadableBytes { bytes throws(XMLStreamError) in try parser.feed(bytes) }
        } catch {
            fail(.negotiation("unparsable input: \(error)"))
            return
        }
        for event in events {
            switch event {
            case .streamOpen: break
            case .streamClose: fail(.closed("stream closed by server"))
            case .stanza(let element): handle(element)
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) { flush() }
}
