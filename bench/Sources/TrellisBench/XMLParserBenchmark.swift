import ArgumentParser
import Foundation
import XMPPCore

/// Stanzas per second through `XMLStreamParser` on a recorded mix of client
/// traffic, fed in network-sized chunks.
struct XMLParserBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "xml", abstract: "XML stream parser throughput.")

    @Option(help: "Stanzas to parse per run.") var stanzas = 200_000
    @Option(help: "Bytes fed per call (a TCP read).") var chunk = 4096
    @Option(help: "Runs; the median is reported.") var runs = 5

    /// A mix like a busy client stream: chat with escapes, presence with caps,
    /// roster and ping IQs, a receipt.
    static let mix = [
        "<message to='juliet@example.com/balcony' type='chat' id='m1'><body>Wherefore art thou, Romeo?</body><active xmlns='http://jabber.org/protocol/chatstates'/></message>",
        "<presence><show>away</show><status>out &amp; about</status><priority>5</priority><c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='https://example.org' ver='QgayPKawpkPSDYmwT/WM94uAlu0='/></presence>",
        "<iq type='get' id='r1'><query xmlns='jabber:iq:roster' ver='ver14'/></iq>",
        "<message to='romeo@example.net' type='chat' id='m2'><body>1 &lt; 2 &amp;&amp; caf\u{E9} \u{1F600} — with a longer line of text that a person might type into a chat window</body><request xmlns='urn:xmpp:receipts'/></message>",
        "<iq type='get' id='p1' to='example.com'><ping xmlns='urn:xmpp:ping'/></iq>",
        "<message to='romeo@example.net' id='r2'><received xmlns='urn:xmpp:receipts' id='m2'/></message>",
        "<iq type='set' id='r3'><query xmlns='jabber:iq:roster'><item jid='nurse@example.com' name='Nurse'><group>Friends</group></item></query></iq>",
        "<presence to='mercutio@example.org' type='subscribe'/>",
    ]

    func run() throws {
        let header = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>"
        var document = Array(header.utf8)
        for index in 0..<stanzas { document += Array(Self.mix[index % Self.mix.count].utf8) }
        var rates: [Double] = []
        for _ in 0..<runs {
            let parser = XMLStreamParser()
            var parsed = 0
            let start = ContinuousClock.now
            try document.withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let count = min(chunk, bytes.count - offset)
                    for event in try parser.feed(UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])) {
                        if case .stanza = event { parsed += 1 }
                    }
                    offset += count
                }
            }
            let elapsed = ContinuousClock.now - start
            precondition(parsed == stanzas, "parsed \(parsed) of \(stanzas)")
            rates.append(Double(parsed) / elapsed.seconds)
        }
        let median = rates.sorted()[rates.count / 2]
        let megabytes = Double(document.count) / 1_048_576
        print("xml: \(stanzas) stanzas (\(String(format: "%.1f", megabytes)) MiB) in \(chunk)-byte chunks, median of \(runs) runs")
        print(String(format: "xml: %.0f stanzas/s (%.1f MiB/s)", median, median * megabytes / Double(stanzas)))
    }
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
