/// One request to the storage service, as the fields of a `storage:requests`
/// stream entry.
///
/// Fixed fields: `id` (unique per request; the idempotency key), `op`, `reply`
/// (the list the requester waits on) and `sent` (milliseconds since 1970, for
/// metrics and to drop reads nobody waits for any more). Arguments are the
/// remaining fields, named by the operation (`user`, `contact`, `xml`, …).
/// An empty `reply` (`noReply`) asks for no reply at all.
public struct StorageRequest: Sendable, Hashable {
    public var id: String
    public var operation: StorageOperation
    public var replyTo: String
    public var sentAtMilliseconds: Int64
    public var arguments: [String: String]

    public init(
        id: String, operation: StorageOperation, replyTo: String, sentAtMilliseconds: Int64,
        arguments: [String: String] = [:]
    ) {
        self.id = id
        self.operation = operation
        self.replyTo = replyTo
        self.sentAtMilliseconds = sentAtMilliseconds
        self.arguments = arguments
    }

    /// The `reply` of a request whose requester waits for nothing (a router's
    /// `archive.append`, queued in the transaction that routes the message):
    /// storage applies it and answers nobody.
    public static let noReply = ""

    /// Whether someone waits for the reply.
    public var expectsReply: Bool { replyTo != Self.noReply }

    static let reservedFields: Set<String> = ["id", "op", "reply", "sent"]

    /// Field/value pairs for `XADD`, fixed fields first, arguments sorted by name.
    public var fields: [(String, String)] {
        var fields = [
            ("id", id), ("op", operation.rawValue), ("reply", replyTo), ("sent", String(sentAtMilliseconds)),
        ]
        for key in arguments.keys.sorted() where !Self.reservedFields.contains(key) {
            fields.append((key, arguments[key]!))
        }
        return fields
    }

    /// Why an entry is not a valid request; the storage service answers it with
    /// `bad-request` when it can tell where to reply, and drops it otherwise.
    public enum DecodingError: Error, Hashable {
        case missingField(String)
        case unknownOperation(String)
    }

    /// Reads a request from stream entry fields.
    public init(fields: [(String, String)]) throws(DecodingError) {
        var values: [String: String] = [:]
        for (key, value) in fields { values[key] = value }
        guard let id = values["id"] else { throw .missingField("id") }
        guard let replyTo = values["reply"] else { throw .missingField("reply") }
        guard let op = values["op"] else { throw .missingField("op") }
        guard let operation = StorageOperation(rawValue: op) else { throw .unknownOperation(op) }
        let sent = values["sent"].flatMap { Int64($0) } ?? 0
        var arguments = values
        for key in Self.reservedFields { arguments.removeValue(forKey: key) }
        self.init(id: id, operation: operation, replyTo: replyTo, sentAtMilliseconds: sent, arguments: arguments)
    }
}
