// libFuzzer target for XMLStreamParser, built and run by `scripts/fuzz xml`
// (not part of `swift build`; see docs/fuzzing.md).
//
// Each input is fed to a fresh parser in chunks whose size comes from the first
// byte. Bit 7 of that byte says whether a client stream header is put in front,
// so the fuzzer spends its time inside stanzas rather than on header refusals.
// The oracle, beyond "never crash, never hang, never leak" (ASan): every stanza
// the parser accepts must serialize to XML that a fresh parser reads back as the
// same element tree.
#if canImport(XMPPCore)
import XMPPCore
#endif

private let streamHeader = Array(
    "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>".utf8)

func fuzzXMLStreamParser(_ input: UnsafeRawBufferPointer) {
    guard let control = input.first else { return }
    let chunk = Int(control & 0x7f) + 1
    var bytes = control & 0x80 != 0 ? streamHeader : []
    bytes += input.dropFirst()

    let parser = XMLStreamParser(limits: .init(maxStanzaSize: 4096, maxDepth: 16))
    var stanzas: [XMLElement] = []
    var offset = 0
    do {
        while offset < bytes.count {
            let end = min(offset + chunk, bytes.count)
            for event in try parser.feed(Array(bytes[offset..<end])) {
                if case .stanza(let element) = event { stanzas.append(element) }
            }
            offset = end
        }
    } catch {
        // Refusing input is the parser's job; the stanzas before it must still round-trip.
        _ = error.conditionName
    }
    for stanza in stanzas { checkRoundTrip(stanza) }
}

private func checkRoundTrip(_ stanza: XMLElement) {
    let text = stanza.serialized(in: .clientStream)
    let reparser = XMLStreamParser(limits: .init(maxStanzaSize: 1 << 24, maxDepth: 64))
    let events: [XMLStreamEvent]
    do {
        events = try reparser.feed(streamHeader + Array(text.utf8))
    } catch {
        fatalError("serialized stanza refused (\(error.conditionName)): \(text)")
    }
    let reparsed = events.compactMap { event -> XMLElement? in
        if case .stanza(let element) = event { return element }
        return nil
    }
    guard reparsed == [stanza] else {
        fatalError("round trip changed the stanza:\n  serialized: \(text)\n  original:   \(stanza)\n  reparsed:   \(reparsed)")
    }
}

#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    fuzzXMLStreamParser(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
#endif
