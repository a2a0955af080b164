// libFuzzer target for the BOSH request body parser (XEP-0124 §4, XEP-0206 §6),
// built and run by `scripts/fuzz bosh` (not part of `swift build`; see
// docs/fuzzing.md). The harness is compiled in one module with XMPPCore and
// the few BOSHGateway files the parser needs.
//
// Each input is a whole HTTP request body. Refusing it is fine; for every body
// that `BOSHRequestBody.parse` accepts:
// - `wrapper(of:)`, which reads the same bytes in 256-byte chunks to find the
//   session of a request it will refuse, sees the same wrapper attributes;
// - no payload is left in the httpbind namespace (it becomes `jabber:client`);
// - the derived values keep their promises (`rid` in 1…2^53−1, `pause` ≥ 0,
//   `isCreation` exactly when there is no `sid`);
// - the wrapper and its payloads, serialized again, parse to an equal body.
#if canImport(XMPPCore)
import XMPPCore
#endif

private let limits = XMLStreamParser.Limits(maxStanzaSize: 4096, maxDepth: 16)

func fuzzBOSHRequestBody(_ input: UnsafeRawBufferPointer) {
    let bytes = Array(input)
    guard case .success(let body) = BOSHRequestBody.parse(bytes, limits: limits) else { return }
    let text = String(decoding: bytes, as: UTF8.self)

    guard let wrapper = BOSHRequestBody.wrapper(of: bytes, limits: limits), wrapper.attributes == body.attributes else {
        fatalError("wrapper(of:) disagrees with parse: input \(text)")
    }
    for payload in body.payloads where payload.namespace == BOSHNamespace.httpbind {
        fatalError("payload <\(payload.name)/> left in the httpbind namespace: input \(text)")
    }
    if let rid = body.rid, !(1...9_007_199_254_740_991).contains(rid) { fatalError("rid \(rid) out of range: input \(text)") }
    if let pause = body.pause, pause < 0 { fatalError("negative pause: input \(text)") }
    guard body.isCreation == (body.sid == nil) else { fatalError("isCreation inconsistent: input \(text)") }

    let wrapperElement = XMLElement(
        name: "body", namespace: BOSHNamespace.httpbind, attributes: body.attributes,
        children: body.payloads.map { .element($0) })
    let serialized = wrapperElement.serialized()
    switch BOSHRequestBody.parse(Array(serialized.utf8), limits: .init(maxStanzaSize: 1 << 24, maxDepth: 64)) {
    case .success(let again) where again == body:
        break
    case .success(let again):
        fatalError("round trip changed the body:\n  input:      \(text)\n  serialized: \(serialized)\n  original:   \(body)\n  reparsed:   \(again)")
    case .failure(let error):
        fatalError("serialized body refused (\(error)):\n  input:      \(text)\n  serialized: \(serialized)")
    }
}

#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    fuzzBOSHRequestBody(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
#endif
