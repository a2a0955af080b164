// libFuzzer target for the JID parser (RFC 7622), built and run by
// `scripts/fuzz jid` (not part of `swift build`; see docs/fuzzing.md).
//
// The input bytes are read as UTF-8 (invalid sequences become U+FFFD) and
// parsed as a JID. Refusing is fine; for every JID that is accepted:
// - its string form parses again to an equal JID with the same string form
//   (normalisation is idempotent);
// - each part is non-empty, at most 1023 bytes, and holds no separator it
//   could not hold (no '@' or '/' in the localpart, none in the domainpart);
// - the bare JID keeps localpart and domainpart and drops the resourcepart, and
//   putting the resourcepart back gives the same JID;
// - building the JID from its parts gives the same JID.
#if canImport(XMPPCore)
import XMPPCore
#endif

func fuzzJID(_ input: UnsafeRawBufferPointer) {
    let text = String(decoding: input, as: UTF8.self)
    guard let jid = try? JID(text) else { return }
    let form = jid.description

    let reparsed: JID
    do {
        reparsed = try JID(form)
    } catch {
        fatalError("the string form of an accepted JID is refused (\(error)): input \(debug(text)), form \(debug(form))")
    }
    guard reparsed == jid, reparsed.description == form else {
        fatalError("normalisation is not idempotent: input \(debug(text)), form \(debug(form)), again \(debug(reparsed.description))")
    }

    checkPart(jid.localpart, "localpart", of: text, forbidden: ["@", "/"])
    checkPart(jid.domainpart, "domainpart", of: text, forbidden: ["@", "/"])
    checkPart(jid.resourcepart, "resourcepart", of: text, forbidden: [])

    let bare = jid.bare
    guard bare.isBare, bare.localpart == jid.localpart, bare.domainpart == jid.domainpart,
        jid.isBare == (jid.resourcepart == nil), (try? JID(bare.description)) == bare
    else {
        fatalError("bare JID inconsistent: input \(debug(text)), jid \(debug(form)), bare \(debug(bare.description))")
    }
    if let resource = jid.resourcepart {
        guard (try? bare.withResource(resource)) == jid else {
            fatalError("bare + resourcepart is not the JID: input \(debug(text)), jid \(debug(form))")
        }
    }
    guard (try? JID(localpart: jid.localpart, domainpart: jid.domainpart, resourcepart: jid.resourcepart)) == jid else {
        fatalError("building the JID from its parts changes it: input \(debug(text)), jid \(debug(form))")
    }
}

private func checkPart(_ part: String?, _ name: String, of text: String, forbidden: [Unicode.Scalar]) {
    guard let part else { return }
    guard !part.isEmpty, part.utf8.count <= 1023, !part.unicodeScalars.contains(where: forbidden.contains) else {
        fatalError("\(name) \(debug(part)) is empty, too long or holds a separator: input \(debug(text))")
    }
}

/// The scalars of a string as code points, so a crash report shows what the
/// terminal would not.
private func debug(_ string: String) -> String {
    "\"" + string.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F ? String($0) : "\\u{\(String($0.value, radix: 16))}" }.joined() + "\""
}

#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    fuzzJID(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
#endif
