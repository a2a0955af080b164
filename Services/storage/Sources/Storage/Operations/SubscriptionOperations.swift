import Cluster
import ClusterIO
import GRDB
import XMPPCore

/// `subscription.apply`: one subscription stanza applied to both users' rosters
/// and pending requests in one transaction (`SubscriptionPlan` decides).
enum SubscriptionOperations {
    static func apply(
        _ arguments: RequestArguments, limits: StorageLimits, now: Int64, in db: Database
    ) throws -> [String: StorageValue] {
        let user = try arguments.account()
        let contact = try arguments.bareJID("contact")
        guard let event = SubscriptionPlan.SubscriptionKind(rawValue: try arguments.required("event")) else {
            throw StorageFailure.badRequest("event must be subscribe, subscribed, unsubscribe or unsubscribed")
        }
        let direction = try arguments.optional("direction").map { (raw: String) throws(StorageFailure) in
            guard let direction = SubscriptionDirection(rawValue: raw) else {
                throw .badRequest("direction must be outbound or inbound")
            }
            return direction
        } ?? .outbound
        guard user != contact else { throw StorageFailure.badRequest("a user cannot subscribe to itself") }
        try AccountOperations.requireAccount(user, in: db)
        let stanza = try arguments.optional("xml").map { _ in
            try arguments.xml(maxBytes: limits.stanzaMaxBytes).serialized()
        }

        let contactIsLocal = try direction == .outbound && AccountOperations.exists(contact, in: db)
        let userBefore = try relation(of: user, toward: contact, in: db)
        let contactBefore = contactIsLocal ? try relation(of: contact, toward: user, in: db) : nil
        let plan = SubscriptionPlan.plan(event: event, direction: direction, user: userBefore, contact: contactBefore)

        // The request stanza kept for the recipient: the contact when outbound, the user when inbound.
        let request = stanza ?? defaultRequest(from: direction == .outbound ? user : contact)
        var pushes: [RosterPush] = []
        if let push = try write(plan.user, before: userBefore, owner: user, other: contact, request: request, now: now, in: db) {
            pushes.append(push)
        }
        if let after = plan.contact, let before = contactBefore,
            let push = try write(after, before: before, owner: contact, other: user, request: request, now: now, in: db)
        {
            pushes.append(push)
        }
        return SubscriptionOutcome(
            route: plan.route, deliver: plan.deliver, autoReplySubscribed: plan.autoReplySubscribed, pushes: pushes
        ).result
    }

    static func relation(of owner: String, toward other: String, in db: Database) throws -> ContactRelation {
        let pendingIn = try RosterTable.isPending(other, for: owner, in: db)
        guard let item = try RosterTable.item(of: owner, contact: other, in: db) else {
            return ContactRelation(state: pendingIn ? .noneIn : .none, approved: false, hasItem: false)
        }
        return ContactRelation(state: item.state(pendingIn: pendingIn), approved: item.approved, hasItem: true)
    }

    /// Stores one side's new relation; returns its roster push when the roster changed.
    private static func write(
        _ after: ContactRelation, before: ContactRelation, owner: String, other: String, request: String, now: Int64,
        in db: Database
    ) throws -> RosterPush? {
        if after.state.pendingIn && !before.state.pendingIn {
            try RosterTable.addPending(other, for: owner, stanza: request, now: now, in: db)
        } else if !after.state.pendingIn && before.state.pendingIn {
            try RosterTable.removePending(other, for: owner, in: db)
        }
        guard after.rosterDiffers(from: before) else { return nil }
        var item = try RosterTable.item(of: owner, contact: other, in: db) ?? RosterItemRecord(jid: other)
        item.subscription = after.state.subscription
        item.ask = after.state.pendingOut
        item.approved = after.approved
        try RosterTable.save(item, for: owner, in: db)
        return RosterPush(user: owner, version: try RosterTable.bumpVersion(of: owner, in: db), item: item)
    }

    private static func defaultRequest(from sender: String) -> String {
        XMLElement("presence", namespace: XMPPNamespace.client, attributes: ["from": sender, "type": "subscribe"])
            .serialized()
    }
}
