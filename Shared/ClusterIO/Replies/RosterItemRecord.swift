import Cluster
import XMPPCore

/// One roster item as storage keeps it and as it travels through Redis: in
/// storage replies, roster pushes and the `roster:{bare}` read cache.
///
/// The JSON form is compact: optional fields are left out when empty or false.
///
/// ```json
/// {"jid":"bob@example.com","name":"Bob","groups":["Friends"],"subscription":"to","ask":true}
/// ```
public struct RosterItemRecord: Sendable, Hashable {
    /// The contact's bare JID (normalised).
    public var jid: String
    public var name: String?
    public var groups: [String]
    public var subscription: SubscriptionState.Subscription
    /// The user asked to see the contact's presence and has no answer yet (`ask='subscribe'`).
    public var ask: Bool
    /// The user pre-approved the contact's subscription request (RFC 6121 §3.4).
    public var approved: Bool

    public init(
        jid: String, name: String? = nil, groups: [String] = [], subscription: SubscriptionState.Subscription = .none,
        ask: Bool = false, approved: Bool = false
    ) {
        self.jid = jid
        self.name = name
        self.groups = groups
        self.subscription = subscription
        self.ask = ask
        self.approved = approved
    }

    // MARK: JSON

    public var storageValue: StorageValue {
        var object: [String: StorageValue] = ["jid": .string(jid), "subscription": .string(subscription.rawValue)]
        if let name { object["name"] = .string(name) }
        if !groups.isEmpty { object["groups"] = .list(groups.map { .string($0) }) }
        if ask { object["ask"] = .bool(true) }
        if approved { object["approved"] = .bool(true) }
        return .object(object)
    }

    /// `nil` when `jid` or `subscription` is missing or malformed.
    public init?(storageValue: StorageValue) {
        guard let object = storageValue.object, let jid = object["jid"]?.string,
            let raw = object["subscription"]?.string, let subscription = SubscriptionState.Subscription(rawValue: raw)
        else { return nil }
        self.init(
            jid: jid, name: object["name"]?.string, groups: object["groups"]?.list?.compactMap(\.string) ?? [],
            subscription: subscription, ask: object["ask"] == .bool(true), approved: object["approved"] == .bool(true))
    }

    /// The compact JSON text stored in the roster cache.
    public var json: String { storageValue.jsonText }

    public init?(json: String) {
        guard let value = StorageValue(jsonText: json) else { return nil }
        self.init(storageValue: value)
    }

    // MARK: XML

    /// The `<item/>` of a roster result or push (RFC 6121 §2.1.2), in `jabber:iq:roster`.
    public var element: XMLElement {
        var attributes = [XMLAttribute(name: "jid", value: jid)]
        if let name { attributes.append(XMLAttribute(name: "name", value: name)) }
        attributes.append(XMLAttribute(name: "subscription", value: subscription.rawValue))
        if ask { attributes.append(XMLAttribute(name: "ask", value: "subscribe")) }
        if approved { attributes.append(XMLAttribute(name: "approved", value: "true")) }
        return XMLElement(
            name: "item", namespace: XMPPNamespace.roster, attributes: attributes,
            children: groups.map { .element(XMLElement(name: "group", namespace: XMPPNamespace.roster, children: [.text($0)])) })
    }

    /// The state of RFC 6121 Appendix A this item shows (pending-in is not in
    /// the roster; pass it from the pending requests).
    public func state(pendingIn: Bool) -> SubscriptionState {
        SubscriptionState(subscription, pendingOut: ask && !(subscription == .to || subscription == .both),
            pendingIn: pendingIn && !(subscription == .from || subscription == .both))!
    }
}
