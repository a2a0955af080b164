import Cluster

/// What `subscription.apply` changed, shaped for the router that must act on it
/// (RFC 6121 §3 and Appendix A).
///
/// For an outbound event (the local `user` sends `subscribe`, `subscribed`,
/// `unsubscribe` or `unsubscribed` to `contact`):
/// - `route`: the stanza goes on toward the contact;
/// - `deliver`: the contact is local and its server (us) delivers the stanza to
///   the contact's available resources (or, for `subscribe`, keeps it for the
///   contact's next login: it is already stored as a pending request);
/// - `autoReplySubscribed`: the contact had already approved (or pre-approved)
///   the user, so the server answers `subscribed` on the contact's behalf: the
///   router delivers a `<presence type='subscribed'/>` from the contact to the
///   user's resources; storage has already applied it to the user's side;
/// - `pushes`: the roster pushes to send, for either user.
///
/// For an inbound event (a remote `contact` sent it to the local `user`), only
/// the user's side exists: `route` is false, `deliver` says whether the user's
/// resources get it, `autoReplySubscribed` whether to answer `subscribed` to the
/// remote contact.
public struct SubscriptionOutcome: Sendable, Hashable {
    public var route: Bool
    public var deliver: Bool
    public var autoReplySubscribed: Bool
    public var pushes: [RosterPush]

    public init(route: Bool, deliver: Bool, autoReplySubscribed: Bool, pushes: [RosterPush]) {
        self.route = route
        self.deliver = deliver
        self.autoReplySubscribed = autoReplySubscribed
        self.pushes = pushes
    }

    public var result: [String: StorageValue] {
        [
            "route": .bool(route), "deliver": .bool(deliver), "auto_reply": .bool(autoReplySubscribed),
            "pushes": .list(pushes.map(\.storageValue)),
        ]
    }

    public init?(result: [String: StorageValue]) {
        guard let route = result["route"]?.bool, let deliver = result["deliver"]?.bool,
            let autoReply = result["auto_reply"]?.bool, let list = result["pushes"]?.list
        else { return nil }
        let pushes = list.compactMap(RosterPush.init(storageValue:))
        guard pushes.count == list.count else { return nil }
        self.init(route: route, deliver: deliver, autoReplySubscribed: autoReply, pushes: pushes)
    }
}
