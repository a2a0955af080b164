import Gateway
import XMPPCore

/// The task behind one BOSH session: hands the session's inputs to its
/// `ClientSession` strictly in order — stream (re)opening and the client's
/// payloads in `rid` order — until the BOSH session ends, then lets the XMPP
/// session leave the cluster (`finish()`: registry cleanup, unavailable
/// presence to contacts).
enum BOSHSessionLoop {
    static func run(_ session: BOSHSession, client: ClientSession) async {
        let header = streamHeader(session.info)
        for await input in session.inputs {
            switch input {
            case .open:
                await client.handle(.streamOpen(header))
            case .stanzas(let elements):
                for element in elements where !client.isClosed {
                    await client.handle(.stanza(element))
                }
            }
        }
        await client.finish()
    }

    /// XEP-0206 §4–§5: the stream header the session creation (or restart)
    /// request stands for.
    static func streamHeader(_ info: BOSHSessionInfo) -> XMLStreamHeader {
        XMLStreamHeader(
            name: "stream", prefix: "stream", namespace: BOSHNamespace.streams, defaultNamespace: BOSHNamespace.client,
            declaredPrefixes: ["stream": BOSHNamespace.streams],
            attributes: [
                XMLAttribute(name: "to", value: info.domain),
                XMLAttribute(name: "version", value: "1.0"),
                XMLAttribute(name: "xml:lang", namespace: XMPPNamespace.xml, value: info.language),
            ])
    }
}
