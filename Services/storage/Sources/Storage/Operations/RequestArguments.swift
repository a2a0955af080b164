import Cluster
import ClusterIO
import XMPPCore

/// Typed access to a request's arguments; every failure is a `bad-request`
/// (or `jid-malformed`) naming the argument, never a crash.
struct RequestArguments: Sendable {
    let values: [String: String]

    init(_ request: StorageRequest) {
        values = request.arguments
    }

    func required(_ name: String) throws(StorageFailure) -> String {
        guard let value = values[name], !value.isEmpty else { throw .badRequest("missing argument \(name)") }
        return value
    }

    func optional(_ name: String) -> String? {
        values[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    func flag(_ name: String) -> Bool {
        ["true", "1", "yes"].contains(values[name]?.lowercased() ?? "")
    }

    /// A bare JID with a localpart (an account), normalised (RFC 7622).
    func account(_ name: String = "user") throws(StorageFailure) -> String {
        let jid = try self.jid(name)
        guard jid.localpart != nil else { throw StorageFailure(.jidMalformed, "\(name) is not an account JID") }
        return jid.description
    }

    /// Any JID, reduced to its bare form and normalised.
    func bareJID(_ name: String) throws(StorageFailure) -> String {
        try jid(name).description
    }

    /// A JSON array of JIDs of any form (`items` of the block list
    /// operations), each normalised and kept once, in order; absent or empty
    /// is an empty list.
    func jidList(_ name: String) throws(StorageFailure) -> [String] {
        guard let text = optional(name) else { return [] }
        guard let values = StorageValue(jsonText: text)?.list else { throw .badRequest("\(name) is not a JSON array") }
        var seen: Set<String> = []
        var jids: [String] = []
        for value in values {
            guard let raw = value.string, let jid = try? JID(raw) else {
                throw StorageFailure(.jidMalformed, "\(name) holds something that is not a JID")
            }
            if seen.insert(jid.description).inserted { jids.append(jid.description) }
        }
        return jids
    }

    private func jid(_ name: String) throws(StorageFailure) -> JID {
        let raw = try required(name)
        guard let jid = try? JID(raw) else { throw StorageFailure(.jidMalformed, "\(name) is not a valid JID") }
        return jid.bare
    }

    /// One element parsed from the argument, within `maxBytes`.
    func xml(_ name: String = "xml", maxBytes: Int) throws(StorageFailure) -> XMLElement {
        let text = try required(name)
        guard text.utf8.count <= maxBytes else { throw .notAcceptable("\(name) is larger than \(maxBytes) bytes") }
        do {
            return try XMLElement(parsing: text, limits: .init(maxStanzaSize: maxBytes + 64, maxDepth: 32))
        } catch {
            throw .badRequest("\(name) is not acceptable XML: \(error.text)")
        }
    }
}
