import Logging
import Runtime
import Synchronization
import Testing

@Suite("Structured log lines")
struct StructuredLogHandlerTests {
    let ts = "2026-11-25T02:23:33.120Z"

    @Test func logfmtLineShape() {
        let line = StructuredLogHandler.format(
            .logfmt, timestamp: ts, level: .info, label: "trellis.c2s", message: "client connected",
            metadata: ["role": "c2s", "node.id": "c2s-1a2b3c4d", "connection.id": "7", "bytes": .stringConvertible(42)])
        #expect(line == """
            ts=2026-11-25T02:23:33.120Z level=info label=trellis.c2s node.id=c2s-1a2b3c4d role=c2s \
            msg="client connected" bytes=42 connection.id=7\n
            """)
    }

    @Test func logfmtEscaping() {
        let line = StructuredLogHandler.format(
            .logfmt, timestamp: ts, level: .error, label: "trellis.router",
            message: "bad \"thing\"\nnext line",
            metadata: ["path": "C:\\x", "empty": "", "eq": "a=b", "tab": "a\tb", "bell": "\u{07}", "list": ["a", "b c"]])
        #expect(line == """
            ts=2026-11-25T02:23:33.120Z level=error label=trellis.router msg="bad \\"thing\\"\\nnext line" \
            bell="\\u{7}" empty="" eq="a=b" list="a,b c" path="C:\\\\x" tab="a\\tb"\n
            """)
        #expect(line.filter { $0 == "\n" }.count == 1)
    }

    @Test func jsonLineShape() {
        let line = StructuredLogHandler.format(
            .json, timestamp: ts, level: .warning, label: "trellis.storage", message: "slow \"query\"\n",
            metadata: ["role": "storage", "node.id": "s-1", "sql.ms": .stringConvertible(12),
                       "tags": ["x", "y"], "ctx": ["a": "1"], "ctl": "\u{01}"])
        #expect(line == """
            {"ts":"2026-11-25T02:23:33.120Z","level":"warning","label":"trellis.storage","node.id":"s-1",\
            "role":"storage","msg":"slow \\"query\\"\\n","ctl":"\\u0001","ctx":{"a":"1"},"sql.ms":"12","tags":["x","y"]}\n
            """)
    }

    @Test func handlerMergesMetadataAndFiltersByLevel() {
        let lines = Mutex<[String]>([])
        var handler = StructuredLogHandler(label: "trellis.router", format: .logfmt, level: .info) { line in
            lines.withLock { $0.append(line) }
        }
        handler[metadataKey: "node.id"] = "r-1"
        handler[metadataKey: "role"] = "router"
        handler[metadataKey: "partition"] = "1"
        let logger = Logger(label: "trellis.router") { _ in handler }
        logger.debug("hidden")
        logger.info("lease taken", metadata: ["partition": "7"])
        let got = lines.withLock { $0 }
        #expect(got.count == 1)
        let line = got.first ?? ""
        #expect(
            line.wholeMatch(
                of: /ts=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z level=info label=trellis.router node.id=r-1 role=router msg="lease taken" partition=7\n/
            ) != nil, "\(line)")
    }

    @Test func processLoggerCarriesNodeAndRole() {
        let logger = LoggingBootstrap.processLogger(role: .boshGateway, nodeID: "bosh-gateway-0000beef", level: .debug)
        #expect(logger.label == "trellis.bosh-gateway")
        #expect(logger[metadataKey: "node.id"] == "bosh-gateway-0000beef")
        #expect(logger[metadataKey: "role"] == "bosh-gateway")
        #expect(logger.logLevel == .debug)
    }
}
