import Cluster
import Redis

/// Sorts the stream entries of one batch (pure, no I/O):
/// - `requests`: decoded requests to execute;
/// - `rejected`: entries that are not valid requests but say where to reply
///   (unknown `op`, missing fields): answered `bad-request`, never executed;
/// - `problems`: what was wrong with each bad or skipped entry, for the log.
///
/// Reads older than `staleReadMilliseconds` are dropped unanswered (the
/// requester has given up). A `reply` outside `replyPrefix` is never written
/// to, so a stray entry cannot make storage push onto an arbitrary key; an
/// empty one (`StorageRequest.noReply`) asks for none.
/// Every entry of the batch is acknowledged, whichever group it fell into.
struct RequestBatch: Sendable {
    struct Problem: Sendable, Hashable {
        var entryID: String
        var reason: String
    }

    private(set) var requests: [StorageRequest] = []
    private(set) var rejected: [(replyTo: String, reply: StorageReply)] = []
    private(set) var problems: [Problem] = []

    init(entries: [RedisStreamEntry], now: Int64, staleReadMilliseconds: Int64, replyPrefix: String) {
        for entry in entries {
            let request: StorageRequest
            do {
                request = try StorageRequest(fields: entry.fields)
            } catch {
                problems.append(Problem(entryID: entry.id, reason: "\(error)"))
                if let id = entry["id"], let replyTo = entry["reply"], replyTo.hasPrefix(replyPrefix) {
                    rejected.append((replyTo, .failure(id: id, condition: "bad-request", text: Self.describe(error))))
                }
                continue
            }
            guard !request.expectsReply || request.replyTo.hasPrefix(replyPrefix) else {
                problems.append(Problem(entryID: entry.id, reason: "reply key outside \(replyPrefix)"))
                continue
            }
            if request.operation.isDroppedWhenStale, staleReadMilliseconds > 0, request.sentAtMilliseconds > 0,
                now - request.sentAtMilliseconds > staleReadMilliseconds
            {
                problems.append(Problem(entryID: entry.id, reason: "stale read skipped"))
                continue
            }
            requests.append(request)
        }
    }

    private static func describe(_ error: StorageRequest.DecodingError) -> String {
        switch error {
        case .missingField(let name): "missing field \(name)"
        case .unknownOperation(let op): "unknown operation \(op)"
        }
    }
}
