/// A user's block list (XEP-0191): the JIDs the user blocked, and whether an
/// address is blocked by one of them.
///
/// Items are kept as their normalised string form (`JID.description`, RFC
/// 7622), so a list read from storage's Redis cache needs no parsing and a
/// lookup is a few set probes.
public struct BlockList: Sendable, Hashable {
    /// The blocked JIDs, normalised.
    public private(set) var items: Set<String>

    public static let empty = BlockList()

    public init() {
        items = []
    }

    public init(_ jids: some Sequence<JID>) {
        items = Set(jids.map(\.description))
    }

    /// Items already normalised by whoever stored them (storage, which parses
    /// every item before it keeps it).
    public init(normalized items: some Sequence<String>) {
        self.items = Set(items)
    }

    public var isEmpty: Bool { items.isEmpty }

    /// XEP-0191 §6 (the order of XEP-0016): an item
    /// 1. `user@domain/resource` matches only that resource;
    /// 2. `user@domain` matches the bare JID and any of its resources;
    /// 3. `domain/resource` matches that resource at the domain, of any user;
    /// 4. `domain` matches the domain itself and every JID at it
    ///    (`user@domain`, `user@domain/resource`, `domain/resource`).
    /// Subdomains are not matched: XEP-0191 1.3 lists only the forms above.
    public func blocks(_ jid: JID) -> Bool {
        guard !items.isEmpty else { return false }
        if items.contains(jid.description) { return true }  // the address itself, in any of the four forms
        if items.contains(jid.domainpart) { return true }  // 4
        guard let resource = jid.resourcepart, jid.localpart != nil else { return false }
        return items.contains(jid.bare.description)  // 2
            || items.contains(jid.domainpart + "/" + resource)  // 3
    }

    /// Whether some item could block some address of `account` (a bare JID
    /// with a localpart): the account itself, one of its resources, its
    /// domain, or a `domain/resource` item at its domain. Used to narrow down
    /// which contacts a block or unblock concerns before reading their sessions.
    public func mayBlock(someAddressOf account: JID) -> Bool {
        let bare = account.bare.description
        let domain = account.domainpart
        let (bareResource, domainResource) = (bare + "/", domain + "/")
        return items.contains { item in
            item == bare || item == domain || item.hasPrefix(bareResource) || item.hasPrefix(domainResource)
        }
    }
}
