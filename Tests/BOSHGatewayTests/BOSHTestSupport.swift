import Cluster
import Gateway
import Logging
import NIOCore
import Redis
import Synchronization
import XMPPStream
@testable import BOSHGateway

/// Redis for handler tests: answers every command `OK` and remembers it.
final class RecordingRedis: RedisCommandSender {
    private let log = Mutex<[[String]]>([])

    var commands: [[String]] { log.withLock { $0 } }

    func send(_ arguments: [any RESPArgument]) async throws -> RESPValue {
        log.withLock { $0.append(arguments.map { "\($0)" }) }
        return .simpleString("OK")
    }

    func pipeline(_ commands: [[any RESPArgument]]) async throws -> [RESPValue] {
        var replies: [RESPValue] = []
        for command in commands { replies.append(try await send(command)) }
        return replies
    }
}

/// Tests only: one account, `juliet` / `r0meo`, at `example.com`.
struct OneAccount: CredentialSource {
    func credentials(username: String, domain: String, hashFunction: SCRAMHashFunction) async throws -> SCRAMCredentials? {
        guard username == "juliet", domain == "example.com" else { return nil }
        return try SCRAMCredentials.derive(
            password: "r0meo", salt: Array("0123456789abcdef".utf8), iterations: 4096, hashFunction: hashFunction)
    }
}

enum BOSHTest {
    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    static let node = NodeID("bosh-test-1")!

    static func sessions(
        redis: any RedisCommandSender = RecordingRedis(), keys: ClusterKeys = ClusterKeys(),
        local: LocalSessions = LocalSessions(), maxWait: Int = 60
    ) -> BOSHSessions {
        let environment = GatewayEnvironment(
            node: node, keys: keys, redis: redis, partitions: 4, sessions: local, credentials: OneAccount(),
            maxResourcesPerAccount: 5, logger: quiet)
        return BOSHSessions(
            settings: .init(
                environment: environment, negotiation: .init(domains: ["example.com"], tlsAvailable: false),
                limits: .init(maxWait: maxWait, inactivity: 60)))
    }

    /// The WebSocket endpoint beside `sessions`, sharing its environment.
    static func webSockets(
        for sessions: BOSHSessions, maxStanzaSize: Int = 1024, idleTimeout: TimeAmount = .seconds(300),
        handshakeTimeout: TimeAmount = .seconds(30)
    ) -> WebSocketSessions {
        WebSocketSessions(
            settings: .init(
                environment: sessions.settings.environment, negotiation: sessions.settings.negotiation,
                path: "/xmpp-websocket", limits: .init(maxStanzaSize: maxStanzaSize), idleTimeout: idleTimeout,
                handshakeTimeout: handshakeTimeout, closeTimeout: .milliseconds(200)))
    }

    static func settings(root: String? = nil, vroute: String? = "g7", origins: [String] = [], maxStanzaSize: Int = 1024) -> BOSHServer.Settings {
        BOSHServer.Settings(
            host: "127.0.0.1", port: 0, bind: "/xmpp", root: root, vroute: vroute, corsOrigins: origins,
            limits: .init(maxStanzaSize: maxStanzaSize))
    }

    /// `<body …/>` with the httpbind namespace.
    static func body(_ attributes: String, _ payloads: String = "") -> String {
        let open = "<body xmlns='http://jabber.org/protocol/httpbind' xmlns:xmpp='urn:xmpp:xbosh' \(attributes)"
        return payloads.isEmpty ? open + "/>" : open + ">" + payloads + "</body>"
    }

    static let creation = body("rid='1000' to='example.com' wait='10' hold='1' ver='1.11' xml:lang='en' xmpp:version='1.0'")

    /// An HTTP/1.1 POST (or other method) as bytes.
    static func request(_ method: String = "POST", _ path: String = "/xmpp", body: String = "", headers: [String] = []) -> String {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: gateway\r\n"
        for header in headers { text += header + "\r\n" }
        if method == "POST" { text += "Content-Length: \(body.utf8.count)\r\n" }
        return text + "\r\n" + body
    }

    /// The `sid` attribute of a creation response.
    static func sid(in text: String) -> String? {
        guard let range = text.range(of: " sid='") else { return nil }
        return String(text[range.upperBound...].prefix { $0 != "'" })
    }
}
