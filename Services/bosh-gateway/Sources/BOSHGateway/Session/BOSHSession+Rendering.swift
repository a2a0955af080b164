import NIOCore
import NIOHTTP1

extension BOSHSession {
    /// The HTTP response for one of the machine's answers.
    func render(_ response: Machine.Response, processedRID: UInt64) -> HTTPResponse {
        var body = response.isTerminal
            ? BOSHResponseBody.terminate(response.terminate, payloads: response.payloads)
            : BOSHResponseBody(payloads: response.payloads)
        if response.rid == info.creationRID {
            body.attributes = creationAttributes + body.attributes
        } else if info.parameters.acknowledgements, processedRID > response.rid {
            // §9.1: acknowledge requests received beyond the one answered.
            body.attributes.append(("ack", String(processedRID)))
        }
        if let report = response.report, let time = response.reportTime {
            body.attributes += [("report", String(report)), ("time", String(time))]
        }
        return Self.httpResponse(
            body, condition: response.terminate, legacy: info.isLegacy, contentType: info.contentType)
    }

    /// XEP-0124 §7.2 and XEP-0206 §4: the session creation response's attributes.
    var creationAttributes: [(name: String, value: String)] {
        let parameters = info.parameters
        var attributes: [(name: String, value: String)] = [
            ("sid", info.sid), ("wait", String(parameters.wait)), ("requests", String(parameters.requests)),
            ("hold", String(parameters.hold)), ("inactivity", String(parameters.inactivity)),
            ("polling", String(parameters.polling)), ("maxpause", String(parameters.maxPause)),
            ("ver", parameters.version), ("from", info.domain), ("authid", info.streamID),
            // The XMPP server is this process: the hop behind the gateway is secure.
            ("secure", "true"), ("xmpp:version", "1.0"), ("xmpp:restartlogic", "true"),
        ]
        if parameters.acknowledgements { attributes.append(("ack", String(info.creationRID))) }
        return attributes
    }

    /// A body as an HTTP response: 200, except the legacy error codes of §17.1
    /// for a client that sent no `ver`.
    static func httpResponse(
        _ body: BOSHResponseBody, condition: BOSHTerminalCondition?, legacy: Bool,
        contentType: String = BOSHSessionInfo.defaultContentType
    ) -> HTTPResponse {
        let status = legacy ? HTTPResponseStatus(statusCode: condition?.legacyHTTPStatus ?? 200) : .ok
        return HTTPResponse(status: status, headers: ["content-type": contentType], body: ByteBuffer(string: body.text))
    }
}
