import Foundation
import Logging
import Redis
import Runtime
import Testing

@Suite("Configuration")
struct ConfigurationTests {
    func load(
        _ role: Role, env: [String: String] = [:], file: String? = nil
    ) async throws(ConfigurationError) -> TrellisConfiguration {
        var path: String?
        if let file {
            let url = FileManager.default.temporaryDirectory
                .appendingPathComponent("trellis-config-\(UUID().uuidString).json")
            try! file.write(to: url, atomically: true, encoding: .utf8)
            path = url.path
        }
        defer { if let path { try? FileManager.default.removeItem(atPath: path) } }
        return try TrellisConfiguration(role: role, source: try await ConfigSource(environment: env, filePath: path))
    }

    func error(_ role: Role, env: [String: String] = [:], file: String? = nil) async -> ConfigurationError? {
        do {
            _ = try await load(role, env: env, file: file)
            return nil
        } catch {
            return error
        }
    }

    @Test func defaults() async throws {
        let config = try await load(.c2s)
        let common = config.common
        #expect(common.nodeID.wholeMatch(of: /c2s-[0-9a-f]{8}/) != nil)
        #expect(common.domains == ["localhost"])
        #expect(common.log == LogConfiguration(level: .info, format: .logfmt))
        #expect(common.admin == AdminConfiguration(host: "127.0.0.1", port: 9101))
        #expect(common.redis == RedisSettings())
        #expect(common.redis.host == "127.0.0.1" && common.redis.port == 6379 && common.redis.database == 0)
        #expect(common.redis.keyPrefix == "trellis:" && common.redis.password == nil)
        #expect(common.shutdownGraceSeconds == 10)
        #expect(common.storageRequestTimeoutMilliseconds == 5000)
        #expect(config.limits == StreamLimits(maxStanzaSize: 65536, maxResourcesPerAccount: 5))
        #expect(config.c2s.port == 5222 && config.c2s.tlsPort == 5223)
        #expect(config.c2s.tls.required)
        #expect(config.c2s.tls.defaultCertificate == nil)

        let bosh = try await load(.boshGateway).bosh
        #expect(bosh == BOSHConfiguration(port: 5280, bind: "/xmpp", root: nil, vroute: "auto", maxWait: 60, inactivity: 60))
        #expect(try await load(.router).router == RouterConfiguration(partitions: 32, batchSize: 64))
        #expect(try await load(.storage).storage == StorageConfiguration(path: "./var/trellis.sqlite", scramIterations: 4096))
    }

    @Test func websocketKeys() async throws {
        let defaults = try await load(.boshGateway).bosh
        #expect(defaults.websocketPath == "/xmpp-websocket")
        #expect(defaults.websocketIdleTimeoutSeconds == 300 && defaults.websocketHandshakeTimeoutSeconds == 30)
        let set = try await load(.boshGateway, env: [
            "TRELLIS_WEBSOCKET_PATH": "/ws", "TRELLIS_WEBSOCKET_IDLE_TIMEOUT_SECONDS": "60",
            "TRELLIS_WEBSOCKET_HANDSHAKE_TIMEOUT_SECONDS": "5",
        ]).bosh
        #expect(set.websocketPath == "/ws" && set.websocketIdleTimeoutSeconds == 60 && set.websocketHandshakeTimeoutSeconds == 5)
    }

    @Test func storageLimitsFromTheEnvironment() async throws {
        let source = try await ConfigSource(environment: [
            "TRELLIS_STORAGE_OFFLINE_MAX_MESSAGES": "0", "TRELLIS_STORAGE_VCARD_MAX_BYTES": "2048",
            "TRELLIS_STORAGE_PRIVATE_MAX_BYTES": "4096", "TRELLIS_STORAGE_BATCH_SIZE": "8",
            "TRELLIS_STORAGE_BLOCKLIST_MAX_ITEMS": "50",
        ])
        let storage = try StorageConfiguration(source: source)
        #expect(storage.offlineMaxMessages == 0 && storage.vcardMaxBytes == 2048)
        #expect(storage.privateMaxBytes == 4096 && storage.batchSize == 8)
        #expect(storage.blockListMaxItems == 50)
        #expect(StorageConfiguration().blockListMaxItems == 1000)
    }

    @Test func sentinelKeys() async throws {
        // Unset: direct mode, exactly as before.
        let direct = try await load(.c2s).common.redis
        #expect(direct.sentinels.isEmpty && direct.clientConfiguration.sentinel == nil)
        // compose passes an empty variable when the sentinel profile is off.
        #expect(try await load(.c2s, env: ["TRELLIS_REDIS_SENTINELS": ""]).common.redis.sentinels.isEmpty)
        #expect(direct.clientConfiguration.replicaWait == nil)
        let redis = try await load(.c2s, env: [
            "TRELLIS_REDIS_SENTINELS": "127.0.0.5:26379, 127.0.0.6:26380,",
            "TRELLIS_REDIS_SENTINEL_MASTER": "chat",
            "TRELLIS_REDIS_WAIT_REPLICAS": "1",
        ]).common.redis
        #expect(redis.sentinels == [
            RedisServerAddress(host: "127.0.0.5", port: 26379), RedisServerAddress(host: "127.0.0.6", port: 26380),
        ])
        let client = redis.clientConfiguration
        #expect(client.sentinel == RedisSentinelConfiguration(sentinels: redis.sentinels, masterName: "chat"))
        #expect(client.replicaWait == RedisReplicaWait(replicas: 1, timeout: .milliseconds(500)))
        #expect(client.address == "sentinel:chat@127.0.0.5:26379,127.0.0.6:26380")
        #expect(redis.description == "redis://sentinel:chat@127.0.0.5:26379,127.0.0.6:26380/0 prefix=trellis:")
        // The file takes a JSON array.
        let file = try await load(.router, file: #"{"redis": {"sentinels": ["s1:26379", "s2:26379"]}}"#).common.redis
        #expect(file.sentinels.map(\.description) == ["s1:26379", "s2:26379"] && file.sentinelMaster == "trellis")
        // A WAIT must end before the command timeout, or it would drop the connection.
        let tooLong = await error(.router, env: [
            "TRELLIS_REDIS_WAIT_REPLICAS": "1", "TRELLIS_REDIS_WAIT_TIMEOUT_MS": "2000",
        ])
        #expect(tooLong?.key == "redis.wait_timeout_ms")
    }

    @Test func archiveKeys() async throws {
        // On by default (its cost: docs/client-features.md).
        #expect(try await load(.router).archive == ArchiveConfiguration(enabled: true, retentionDays: 365))
        let set = try await load(.storage, env: ["TRELLIS_ARCHIVE_ENABLED": "false", "TRELLIS_ARCHIVE_RETENTION_DAYS": "0"])
        #expect(set.archive == ArchiveConfiguration(enabled: false, retentionDays: 0))
    }

    @Test func adminPortDefaultsDifferPerRole() async throws {
        var ports: Set<Int> = []
        for role in Role.allCases { ports.insert(try await load(role).common.admin.port) }
        #expect(ports.count == Role.allCases.count)
    }

    @Test func environmentNames() {
        #expect(ConfigSource.environmentName(for: "redis.host") == "TRELLIS_REDIS_HOST")
        #expect(ConfigSource.environmentName(for: "max_stanza_size") == "TRELLIS_MAX_STANZA_SIZE")
        #expect(
            ConfigSource.environmentName(for: "tls.domains.chat-1.example.com.cert")
                == "TRELLIS_TLS_DOMAINS_CHAT_1_EXAMPLE_COM_CERT")
    }

    static let file = """
        {
          "node_id": "c2s-file",
          "domains": ["example.com", "Example.ORG"],
          "log": {"level": "debug", "format": "json"},
          "admin": {"host": "0.0.0.0", "port": 9200},
          "redis": {"host": "redis.internal", "port": 6380, "username": "trellis", "password": "s3cret",
                    "db": 2, "prefix": "t1:", "command_timeout_ms": 750},
          "shutdown_grace_seconds": 25,
          "storage": {"request_timeout_ms": 3000},
          "max_stanza_size": 131072,
          "max_resources_per_account": 9,
          "tls_required": false,
          "c2s": {"host": "10.0.0.1", "port": 15222, "tls_port": 15223,
                  "idle_timeout_seconds": 600, "handshake_timeout_seconds": 12, "send_timeout_seconds": 20}
        }
        """

    @Test func fileValues() async throws {
        let config = try await load(.c2s, file: Self.file)
        #expect(config.common.nodeID == "c2s-file")
        #expect(config.common.domains == ["example.com", "example.org"])
        #expect(config.common.log == LogConfiguration(level: .debug, format: .json))
        #expect(config.common.admin == AdminConfiguration(host: "0.0.0.0", port: 9200))
        #expect(
            config.common.redis
                == RedisSettings(
                    host: "redis.internal", port: 6380, username: "trellis", password: "s3cret",
                    database: 2, keyPrefix: "t1:", commandTimeoutMilliseconds: 750))
        #expect(config.common.shutdownGraceSeconds == 25)
        #expect(config.common.storageRequestTimeoutMilliseconds == 3000)
        #expect(config.limits == StreamLimits(maxStanzaSize: 131072, maxResourcesPerAccount: 9))
        #expect(config.c2s.tls.required == false)
        #expect(config.c2s.host == "10.0.0.1" && config.c2s.port == 15222 && config.c2s.tlsPort == 15223)
        #expect(config.c2s.idleTimeoutSeconds == 600 && config.c2s.handshakeTimeoutSeconds == 12)
        #expect(config.c2s.sendTimeoutSeconds == 20)
        #expect(!config.common.redis.description.contains("s3cret"))
    }

    @Test func environmentOverridesFile() async throws {
        let env = [
            "TRELLIS_NODE_ID": "c2s-env",
            "TRELLIS_REDIS_HOST": "redis.env",
            "TRELLIS_REDIS_PORT": "7000",
            "TRELLIS_MAX_STANZA_SIZE": "2048",
            "TRELLIS_TLS_REQUIRED": "true",
            "TRELLIS_LOG_LEVEL": "WARNING",
            "TRELLIS_C2S_PORT": "0",
        ]
        let config = try await load(.c2s, env: env, file: Self.file)
        #expect(config.common.nodeID == "c2s-env")
        #expect(config.common.redis.host == "redis.env")
        #expect(config.common.redis.port == 7000)
        #expect(config.common.redis.database == 2)  // not overridden: from the file
        #expect(config.limits.maxStanzaSize == 2048)
        #expect(config.limits.maxResourcesPerAccount == 9)
        #expect(config.c2s.tls.required)
        #expect(config.common.log.level == .warning)
        #expect(config.c2s.port == 0)
    }

    @Test func configFileFromEnvironmentVariable() async throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("trellis-\(UUID().uuidString).json")
        try #"{"router": {"partitions": 64}}"#.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        let config = try await TrellisConfiguration.load(role: .router, environment: ["TRELLIS_CONFIG": url.path])
        #expect(config.router.partitions == 64)
    }

    @Test func domainsFromCommaSeparatedEnvironment() async throws {
        let config = try await load(
            .router, env: ["TRELLIS_DOMAINS": " a.example, B.example ,,c.example"], file: Self.file)
        #expect(config.common.domains == ["a.example", "b.example", "c.example"])
    }

    @Test func perDomainCertificates() async throws {
        let file = """
            {"domains": ["example.com", "chat.example.org", "plain.example"],
             "tls": {"cert": "/tls/default.pem", "key": "/tls/default.key",
                     "domains": {"example.com": {"cert": "/tls/example.pem", "key": "/tls/example.key"}}}}
            """
        let env = [
            "TRELLIS_TLS_DOMAINS_CHAT_EXAMPLE_ORG_CERT": "/env/chat.pem",
            "TRELLIS_TLS_DOMAINS_CHAT_EXAMPLE_ORG_KEY": "/env/chat.key",
        ]
        let tls = try await load(.c2s, env: env, file: file).c2s.tls
        #expect(tls.defaultCertificate == CertificatePaths(certificate: "/tls/default.pem", key: "/tls/default.key"))
        #expect(
            tls.domainCertificates == [
                "example.com": CertificatePaths(certificate: "/tls/example.pem", key: "/tls/example.key"),
                "chat.example.org": CertificatePaths(certificate: "/env/chat.pem", key: "/env/chat.key"),
            ])
        #expect(tls.certificate(for: "plain.example") == tls.defaultCertificate)
        #expect(tls.certificate(for: "example.com")?.certificate == "/tls/example.pem")
    }

    @Test func certificateWithoutKeyIsRefused() async {
        let error = await error(.c2s, env: ["TRELLIS_TLS_CERT": "/tls/c.pem"])
        #expect(error?.key == "tls.key")
        #expect(error?.description == "tls.key (TRELLIS_TLS_KEY): expected a key path beside tls.cert, got nothing")
        let other = await self.error(.c2s, env: ["TRELLIS_TLS_DOMAINS_LOCALHOST_KEY": "/tls/l.key"])
        #expect(other?.key == "tls.domains.localhost.cert")
    }

    @Test func exactMessageForANonNumber() async {
        let error = await error(.c2s, env: ["TRELLIS_MAX_STANZA_SIZE": "abc"])
        #expect(
            error?.description
                == #"max_stanza_size (TRELLIS_MAX_STANZA_SIZE): expected an integer between 1024 and 16777216, got "abc""#)
    }

    @Test func wrongTypeInFileIsRefused() async {
        let error = await error(.c2s, file: #"{"max_stanza_size": "big"}"#)
        #expect(
            error?.description
                == #"max_stanza_size (TRELLIS_MAX_STANZA_SIZE): expected an integer between 1024 and 16777216, got "big""#)
        let portError = await self.error(.router, file: #"{"redis": {"port": [1, 2]}}"#)
        #expect(portError?.key == "redis.port")
    }

    @Test func unknownLogLevelIsRefused() async {
        let error = await error(.router, env: ["TRELLIS_LOG_LEVEL": "verbose"])
        #expect(
            error?.description
                == #"log.level (TRELLIS_LOG_LEVEL): expected one of trace, debug, info, notice, warning, error, critical, got "verbose""#
        )
    }

    @Test func missingOrMalformedFileIsRefused() async throws {
        do {
            _ = try await ConfigSource(environment: ["TRELLIS_CONFIG": "/nonexistent/trellis.json"])
            Issue.record("expected an error")
        } catch {
            #expect(error.key == nil)
            #expect(error.description.hasPrefix(#"TRELLIS_CONFIG="/nonexistent/trellis.json": "#))
        }
        let malformed = await error(.router, file: "{ not json")
        #expect(malformed?.description.hasPrefix("TRELLIS_CONFIG=") == true)
    }

    struct Violation: Sendable, CustomTestStringConvertible {
        var role: Role
        var key: String
        var value: String
        var testDescription: String { "\(role.rawValue) \(key)=\(value)" }
    }

    static let violations: [Violation] = [
        .init(role: .c2s, key: "max_stanza_size", value: "1023"),
        .init(role: .c2s, key: "max_stanza_size", value: "16777217"),
        .init(role: .boshGateway, key: "max_stanza_size", value: "0"),
        .init(role: .c2s, key: "max_resources_per_account", value: "0"),
        .init(role: .c2s, key: "max_resources_per_account", value: "1001"),
        .init(role: .c2s, key: "c2s.port", value: "65536"),
        .init(role: .c2s, key: "c2s.tls_port", value: "-1"),
        .init(role: .c2s, key: "c2s.idle_timeout_seconds", value: "9"),
        .init(role: .c2s, key: "c2s.handshake_timeout_seconds", value: "0"),
        .init(role: .c2s, key: "c2s.send_timeout_seconds", value: "3601"),
        .init(role: .c2s, key: "tls_required", value: "maybe"),
        .init(role: .boshGateway, key: "bosh.port", value: "http"),
        .init(role: .boshGateway, key: "bosh.max_wait", value: "0"),
        .init(role: .boshGateway, key: "bosh.inactivity", value: "3601"),
        .init(role: .boshGateway, key: "bind", value: "xmpp"),
        .init(role: .boshGateway, key: "vroute", value: "a;b"),
        .init(role: .boshGateway, key: "websocket.path", value: "xmpp-websocket"),
        .init(role: .boshGateway, key: "websocket.path", value: "/xmpp"),
        .init(role: .boshGateway, key: "websocket.path", value: "/http-bind"),
        .init(role: .boshGateway, key: "websocket.idle_timeout_seconds", value: "9"),
        .init(role: .boshGateway, key: "websocket.handshake_timeout_seconds", value: "601"),
        .init(role: .router, key: "router.partitions", value: "0"),
        .init(role: .router, key: "router.partitions", value: "1025"),
        .init(role: .router, key: "router.batch_size", value: "0"),
        .init(role: .storage, key: "scram_iterations", value: "4095"),
        .init(role: .storage, key: "storage.offline_max_messages", value: "-1"),
        .init(role: .storage, key: "storage.vcard_max_bytes", value: "1023"),
        .init(role: .storage, key: "storage.private_max_bytes", value: "big"),
        .init(role: .storage, key: "storage.batch_size", value: "1001"),
        .init(role: .storage, key: "storage.blocklist_max_items", value: "0"),
        .init(role: .storage, key: "storage.blocklist_max_items", value: "100001"),
        .init(role: .storage, key: "archive.retention_days", value: "-1"),
        .init(role: .storage, key: "archive.retention_days", value: "36501"),
        .init(role: .router, key: "archive.enabled", value: "sometimes"),
        .init(role: .storage, key: "storage.request_timeout_ms", value: "99"),
        .init(role: .router, key: "storage.request_timeout_ms", value: "600001"),
        .init(role: .router, key: "node_id", value: "has space"),
        .init(role: .router, key: "node_id", value: String(repeating: "n", count: 65)),
        .init(role: .router, key: "domains", value: "a b"),
        .init(role: .router, key: "domains", value: ""),
        .init(role: .router, key: "log.level", value: "loud"),
        .init(role: .router, key: "log.format", value: "xml"),
        .init(role: .router, key: "admin.port", value: "70000"),
        .init(role: .router, key: "redis.port", value: "0"),
        .init(role: .router, key: "redis.db", value: "16"),
        .init(role: .router, key: "redis.command_timeout_ms", value: "0"),
        .init(role: .router, key: "redis.sentinels", value: "sentinel-without-port"),
        .init(role: .router, key: "redis.wait_replicas", value: "17"),
        .init(role: .router, key: "redis.wait_timeout_ms", value: "0"),
        .init(role: .router, key: "shutdown_grace_seconds", value: "0"),
        .init(role: .router, key: "shutdown_grace_seconds", value: "ten"),
    ]

    @Test(arguments: violations)
    func boundsViolationNamesTheKey(_ violation: Violation) async {
        let env = ConfigSource.environmentName(for: violation.key)
        let error = await error(violation.role, env: [env: violation.value])
        #expect(error?.key == violation.key)
        #expect(
            error?.description.hasPrefix("\(violation.key) (\(env)): expected ") == true,
            "\(String(describing: error))")
        #expect(error?.description.hasSuffix("got \"\(violation.value)\"") == true, "\(String(describing: error))")
    }

    @Test func everyRoleValidatesEveryKey() async {
        for role in Role.allCases {
            #expect(await error(role, env: ["TRELLIS_C2S_PORT": "nope"])?.key == "c2s.port")
            #expect(await error(role, env: ["TRELLIS_SCRAM_ITERATIONS": "1"])?.key == "scram_iterations")
        }
    }
}
