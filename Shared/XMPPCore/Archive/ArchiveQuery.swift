/// A XEP-0313 query of a user archive (§4): which messages (`filter`), which
/// page of them (`page`, XEP-0059), and in which order the page is sent.
public struct ArchiveQuery: Sendable, Hashable {
    /// What the messages must match (§4.1): every condition given.
    public struct Filter: Sendable, Hashable {
        /// §4.1.1: the other party; a bare JID matches all its resources, a
        /// full JID only that resource.
        public var with: JID?
        /// §4.1.2: received at or after (milliseconds since 1970).
        public var start: Int64?
        /// §4.1.2: received at or before.
        public var end: Int64?
        /// §4.1.3 (`#extended`): archived after this id, not including it.
        public var afterID: String?
        /// §4.1.3 (`#extended`): archived before this id, not including it.
        public var beforeID: String?
        /// §4.1.3 (`#extended`): only these ids.
        public var ids: [String]?

        public init(
            with: JID? = nil, start: Int64? = nil, end: Int64? = nil, afterID: String? = nil, beforeID: String? = nil,
            ids: [String]? = nil
        ) {
            self.with = with
            self.start = start
            self.end = end
            self.afterID = afterID
            self.beforeID = beforeID
            self.ids = ids
        }

        /// Every archive id the filter names, each of which must be in the
        /// archive (§4.1.3: `item-not-found` otherwise).
        public var namedIDs: [String] {
            [afterID, beforeID].compactMap { $0 } + (ids ?? [])
        }
    }

    /// The `queryid` to echo in each `<result/>` (§4.2).
    public var queryID: String?
    public var filter: Filter
    public var page: ResultSetRequest
    /// §4.3.3 (`#extended`): send the page newest first.
    public var flipPage: Bool

    public init(queryID: String? = nil, filter: Filter = Filter(), page: ResultSetRequest = ResultSetRequest(), flipPage: Bool = false) {
        self.queryID = queryID
        self.filter = filter
        self.page = page
        self.flipPage = flipPage
    }

    /// How many messages one page holds at most: what the client asked for,
    /// `defaultSize` when it did not ask, never more than `maxSize` (§4.3.1: "a
    /// server MAY place a reasonable limit").
    public func pageSize(default defaultSize: Int, max maxSize: Int) -> Int {
        min(page.max ?? defaultSize, maxSize)
    }
}
