import Cluster
import XMPPCore

/// `archive.query`'s arguments: the query's filter and page, for `user`'s
/// archive, with the page size the router settled on.
extension ArchiveQuery {
    public func storageArguments(user: JID, pageSize: Int) -> [String: String] {
        var arguments = ["user": user.bare.description, "max": String(pageSize)]
        arguments["with"] = filter.with?.description
        arguments["start"] = filter.start.map { String($0) }
        arguments["end"] = filter.end.map { String($0) }
        arguments["after_id"] = filter.afterID
        arguments["before_id"] = filter.beforeID
        arguments["ids"] = filter.ids.map { StorageValue.list($0.map(StorageValue.string)).jsonText }
        arguments["after"] = page.after
        switch page.before {
        case .lastPage: arguments["last"] = "true"
        case .item(let id): arguments["before"] = id
        case nil: break
        }
        arguments["index"] = page.index.map { String($0) }
        return arguments
    }

    /// The query `storageArguments` wrote (its `queryid` and flip aside,
    /// which only the router uses), with `page.max` the page size; `nil` for
    /// arguments it would not have written.
    public init?(storageArguments arguments: [String: String]) {
        var filter = Filter()
        var page = ResultSetRequest()
        if let with = arguments["with"] {
            guard let jid = try? JID(with) else { return nil }
            filter.with = jid
        }
        for (name, value) in [("start", \Filter.start), ("end", \Filter.end)] as [(String, WritableKeyPath<Filter, Int64?>)] {
            guard let text = arguments[name] else { continue }
            guard let milliseconds = Int64(text) else { return nil }
            filter[keyPath: value] = milliseconds
        }
        filter.afterID = arguments["after_id"]
        filter.beforeID = arguments["before_id"]
        if let ids = arguments["ids"] {
            guard let list = StorageValue(jsonText: ids)?.list else { return nil }
            filter.ids = list.compactMap(\.string)
        }
        guard let max = arguments["max"].flatMap({ Int($0) }), max >= 0 else { return nil }
        page.max = max
        page.after = arguments["after"]
        if arguments["last"] == "true" {
            page.before = .lastPage
        } else if let before = arguments["before"] {
            page.before = .item(before)
        }
        if let index = arguments["index"] {
            guard let value = Int(index), value >= 0 else { return nil }
            page.index = value
        }
        self.init(filter: filter, page: page)
    }
}
