import Cluster
import ClusterIO
import XMPPCore

/// XEP-0313 IQs to the user's own archive (no `to`, or the user's bare
/// JID): queries (§4) with XEP-0059 paging, the query form (§4.1.5), the
/// archive's metadata (§6) and the preferences of XEP-0441 (read only).
/// Storage keeps the messages; the router delivers the page, then the
/// result, in the entry's one commit.
extension RoutingPass {
    /// Messages per page when the client does not say.
    static let archiveDefaultPageSize = 50
    /// Messages per page at most, whatever the client asks (§4.3.1), and ids
    /// one `ids` query may name.
    static let archiveMaxPageSize = 250

    mutating func handleArchive(_ type: IQType, payload: XMLElement) async throws {
        do {
            switch (type, payload.name) {
            case (.set, "query"):
                try await answerArchiveQuery(payload)
            case (.get, "query"):
                replyResult(ArchiveQuery.formElement)
            case (.get, "metadata"):
                let result = try await storage(.archiveMetadata, ["user": sender.bare.description])
                replyResult(ArchivedMessage.metadata(
                    first: ArchiveRecord(storageValue: result["first"])?.archivedMessage,
                    last: ArchiveRecord(storageValue: result["last"])?.archivedMessage))
            case (.get, "prefs"):
                // XEP-0441: every message is archived; there are no per-contact rules.
                replyResult(XMLElement(
                    "prefs", namespace: XMPPNamespace.archive, attributes: ["default": "always"],
                    children: [
                        .element(XMLElement(name: "always", namespace: XMPPNamespace.archive)),
                        .element(XMLElement(name: "never", namespace: XMPPNamespace.archive)),
                    ]))
            case (.set, "prefs"):
                bounce(StanzaError(.featureNotImplemented, text: "archiving preferences cannot be changed"))
            default:
                bounce(StanzaError(.featureNotImplemented))
            }
        } catch let error as StorageCallError {
            bounce(error.stanzaError)
        }
    }

    /// §4: the matching messages, each in a `<result/>` from the user's
    /// bare JID, then the IQ result with `<fin/>` — in that order, in one
    /// commit, so the client sees the whole page before the end of it.
    private mutating func answerArchiveQuery(_ payload: XMLElement) async throws {
        let query: ArchiveQuery
        do {
            query = try ArchiveQuery(payload: payload)
        } catch {
            bounce(error)
            return
        }
        if let ids = query.filter.ids, ids.count > Self.archiveMaxPageSize {
            bounce(StanzaError(.policyViolation, text: "at most \(Self.archiveMaxPageSize) ids per query"))
            return
        }
        let size = query.pageSize(default: Self.archiveDefaultPageSize, max: Self.archiveMaxPageSize)
        let result = try await storage(.archiveQuery, query.storageArguments(user: sender, pageSize: size))
        guard let page = ArchivePage(result: result) else { throw StorageCallError.refused(StanzaError(.internalServerError)) }
        var messages = page.messages.compactMap(\.archivedMessage)
        // §4.3.3: a flipped page goes newest first; it holds the same messages.
        if query.flipPage { messages.reverse() }
        for message in messages {
            reply(message.result(queryID: query.queryID, owner: sender))
        }
        replyResult(ArchivedMessage.fin(page: page.resultSet, complete: page.complete))
    }
}
