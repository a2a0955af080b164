/// `archive.*`: XEP-0313 message archives (routers archive and answer
/// queries, storage keeps and expires the messages).
public struct ArchiveConfiguration: Sendable, Equatable {
    /// Whether one-to-one messages are archived, stamped with XEP-0359 stanza
    /// ids and queryable. Off, routers neither archive nor advertise
    /// `urn:xmpp:mam:2`, and queries get `service-unavailable`; what was
    /// archived before stays (and still expires).
    public var enabled: Bool
    /// Days an archived message is kept; 0 keeps messages forever.
    public var retentionDays: Int

    public init(enabled: Bool = true, retentionDays: Int = 365) {
        self.enabled = enabled
        self.retentionDays = retentionDays
    }
}
