import Cluster
import XMPPCore

/// The answer to `archive.query`: one page of messages in archive order, and
/// what XEP-0313 §4.3 and XEP-0059 say about it.
public struct ArchivePage: Sendable, Hashable {
    public var messages: [ArchiveRecord]
    /// No message matching the query lies beyond the page in the direction
    /// of paging (after it forwards, before it for `<before/>`).
    public var complete: Bool
    /// How many messages match the query's filter, pages aside.
    public var count: Int
    /// The position of the page's first message among them.
    public var firstIndex: Int

    public init(messages: [ArchiveRecord], complete: Bool, count: Int, firstIndex: Int) {
        self.messages = messages
        self.complete = complete
        self.count = count
        self.firstIndex = firstIndex
    }

    public var result: [String: StorageValue] {
        [
            "messages": .list(messages.map(\.storageValue)), "complete": .bool(complete), "count": .int(Int64(count)),
            "first_index": .int(Int64(firstIndex)),
        ]
    }

    public init?(result: [String: StorageValue]) {
        guard let list = result["messages"]?.list, let complete = result["complete"]?.bool,
            let count = result["count"]?.int, let firstIndex = result["first_index"]?.int
        else { return nil }
        let messages = list.compactMap { ArchiveRecord(storageValue: $0) }
        guard messages.count == list.count else { return nil }
        self.init(messages: messages, complete: complete, count: Int(count), firstIndex: Int(firstIndex))
    }

    /// The XEP-0059 `<set/>` describing the page.
    public var resultSet: ResultSetPage {
        ResultSetPage(
            first: messages.first?.id, last: messages.last?.id, firstIndex: messages.isEmpty ? nil : firstIndex,
            count: count)
    }
}
