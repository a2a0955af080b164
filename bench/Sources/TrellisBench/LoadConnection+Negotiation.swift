import Foundation
import XMPPCore

/// The client's half of RFC 6120 negotiation, as the load clients need it.
extension LoadConnection {
    static let saslNamespace = "urn:ietf:params:xml:ns:xmpp-sasl"
    static let bindNamespace = "urn:ietf:params:xml:ns:xmpp-bind"
    static let sessionNamespace = "urn:ietf:params:xml:ns:xmpp-session"
    static let streamsNamespace = "http://etherx.jabber.org/streams"

    func handle(_ stanza: XMLElement) {
        if stanza.name == "error", stanza.namespace == Self.streamsNamespace {
            fail(.negotiation("stream error \(stanza.elements.first?.name ?? "?")"))
            return
        }
        switch phase {
        case .online:
            if stanza.name == "iq", stanza[attribute: "type"] == "get", stanza.firstChild(named: "ping") != nil {
                answerPing(stanza)
            } else {
                onStanza?(stanza)
            }
        case .opening:
            guard stanza.name == "features" else { return }
            let mechanisms = stanza.firstChild(named: "mechanisms")?.elements.map(\.text) ?? []
            guard mechanisms.contains("SCRAM-SHA-1") else {
                fail(.negotiation("no SCRAM-SHA-1 among \(mechanisms) (TLS required?)"))
                return
            }
            phase = .authenticating
            write("<auth xmlns='\(Self.saslNamespace)' mechanism='SCRAM-SHA-1'>\(base64(scram.clientFirst))</auth>")
        case .authenticating:
            authenticate(stanza)
        case .restarting:
            guard stanza.name == "features" else { return }
            sessionRequired = stanza.firstChild(named: "session").map { $0.firstChild(named: "optional") == nil } ?? false
            phase = .binding
            write(
                "<iq type='set' id='bind'><bind xmlns='\(Self.bindNamespace)'><resource>\(account.resource)</resource></bind></iq>")
        case .binding:
            guard stanza.name == "iq", stanza[attribute: "id"] == "bind" else { return }
            guard stanza[attribute: "type"] == "result", let jid = stanza.firstChild(named: "bind")?.firstChild(named: "jid")
            else { return fail(.negotiation("bind refused")) }
            fullJID = jid.text
            if sessionRequired {
                phase = .session
                write("<iq type='set' id='sess'><session xmlns='\(Self.sessionNamespace)'/></iq>")
            } else {
                sendInitialPresence()
            }
        case .session:
            guard stanza.name == "iq", stanza[attribute: "id"] == "sess" else { return }
            sendInitialPresence()
        case .awaitingPresence:
            if stanza.name == "presence", stanza[attribute: "from"] == fullJID, stanza[attribute: "type"] == nil {
                succeed()
            } else {
                noteEarlyStanza(stanza)
            }
        case .closed:
            break
        }
    }

    private func authenticate(_ stanza: XMLElement) {
        switch stanza.name {
        case "challenge":
            do {
                let serverFirst = String(decoding: Data(base64Encoded: stanza.text) ?? Data(), as: UTF8.self)
                let final = try scram.clientFinal(serverFirst: serverFirst, cache: cache)
                write("<response xmlns='\(Self.saslNamespace)'>\(base64(final))</response>")
            } catch {
                fail(.negotiation("SCRAM: \(error)"))
            }
        case "success":
            let serverFinal = String(decoding: Data(base64Encoded: stanza.text) ?? Data(), as: UTF8.self)
            do {
                try scram.verify(serverFinal: serverFinal)
            } catch {
                return fail(.negotiation("SCRAM: \(error)"))
            }
            // RFC 6120 §6.4.6: a new stream over the same connection.
            phase = .restarting
            resetParser()
            openStreamAgain()
        case "failure":
            fail(.negotiation("SASL failure \(stanza.elements.first?.name ?? "?") for \(account.bare)"))
        default:
            break
        }
    }

    private func sendInitialPresence() {
        phase = .awaitingPresence
        write("<presence/>")
    }

    private func answerPing(_ stanza: XMLElement) {
        var reply = "<iq type='result' id='\(XMLEscaping.escaped(stanza[attribute: "id"] ?? "", quote: true))'"
        if let from = stanza[attribute: "from"] { reply += " to='\(XMLEscaping.escaped(from, quote: true))'" }
        send(reply + "/>")
    }

    private func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
}
