#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Cluster
import Logging
import Redis
import ServiceLifecycle
import Synchronization

/// How c2s, bosh-gateway, routers and `trellisctl` talk to the storage service
/// (`docs/redis-protocol.md`, "Storage requests").
///
/// A request is one `XADD` to `storage:requests`; its reply is pushed onto this
/// client's `reply:{node}` list. One loop per client (`run()`, so the client is a
/// swift-service-lifecycle `Service`) `BLPOP`s that list on a dedicated
/// connection and hands each reply to the caller waiting for its request id.
///
/// Failure behaviour:
/// - Redis down: `request` fails at once with `.unavailable` (the shared
///   connection never queues).
/// - Storage down or slow: the caller gets `.timeout` after `timeout`; the
///   request stays in the stream and is applied when storage is back, and its
///   late reply is dropped here.
/// - `run()` not running: `.notRunning`, at once.
///
/// Each failure maps to a stanza error (`StorageClientError.stanzaError`).
public final class StorageClient: Service, Sendable {
    public let nodeID: NodeID
    public let keys: ClusterKeys
    /// How long a caller waits for a reply (`storage.request_timeout_ms`).
    public let timeout: Duration
    /// The list this client's replies arrive on.
    public var replyList: String { keys.replies(nodeID) }

    let redis: RedisClient
    private let logger: Logger
    private let ids: StorageRequestIDs
    private let waiters = ReplyWaiters()
    private let running = Atomic<Bool>(false)
    private let listening = Atomic<Bool>(false)
    /// How long one BLPOP blocks; bounds how late a graceful shutdown is noticed.
    private let pollInterval: Duration

    public init(
        redis: RedisClient, keys: ClusterKeys, nodeID: NodeID, timeout: Duration, logger: Logger,
        pollInterval: Duration = .milliseconds(500)
    ) {
        self.redis = redis
        self.keys = keys
        self.nodeID = nodeID
        self.timeout = timeout
        self.pollInterval = pollInterval
        self.ids = StorageRequestIDs(nodeID: nodeID)
        var logger = logger
        logger[metadataKey: "storage.reply_list"] = .string(keys.replies(nodeID))
        self.logger = logger
    }

    /// Whether the reply loop holds a connection to Redis right now.
    public var isListening: Bool { listening.load(ordering: .relaxed) }

    // MARK: Service

    /// The reply loop: BLPOP `reply:{node}` and dispatch, reconnecting with the
    /// Redis client's backoff. Ends on graceful shutdown or cancellation, and
    /// fails whoever still waits with `.notRunning`.
    public func run() async throws {
        running.store(true, ordering: .relaxed)
        defer {
            running.store(false, ordering: .relaxed)
            listening.store(false, ordering: .relaxed)
            waiters.failAll(with: .notRunning)
        }
        var attempt = 0
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await redis.withDedicatedConnection { connection in
                    listening.store(true, ordering: .relaxed)
                    attempt = 0
                    while !Task.isCancelled && !Task.isShuttingDownGracefully {
                        if let (_, value) = try await connection.blpop([replyList], timeout: pollInterval) {
                            dispatch(value)
                        }
                    }
                }
            } catch {
                if attempt == 0 { logger.warning("storage reply loop lost redis", metadata: ["error": "\(error)"]) }
            }
            listening.store(false, ordering: .relaxed)
            if Task.isCancelled || Task.isShuttingDownGracefully { break }
            let delay = redis.configuration.backoff.delay(attempt: attempt)
            attempt += 1
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: delay) }
        }
    }

    private func dispatch(_ text: String) {
        guard let reply = try? StorageReply.decode(text) else {
            logger.warning("unreadable storage reply dropped")
            return
        }
        if !waiters.deliver(reply) {
            logger.debug("late storage reply dropped", metadata: ["storage.request_id": .string(reply.id)])
        }
    }

    // MARK: Requests

    /// Sends one request and waits for its reply (success or failure reply).
    ///
    /// Throws `.unavailable` when Redis cannot take it, `.timeout` when no reply
    /// came within `timeout`, `.notRunning` when `run()` is not running.
    /// A failure *reply* is returned, not thrown; the typed calls in the
    /// extensions turn it into `.rejected`.
    ///
    /// - Parameter id: the request id; by default a fresh one. Routers pass
    ///   one derived from the route entry, so routing an entry again (after a
    ///   router died before acknowledging it) repeats the same idempotent request.
    public func request(
        _ operation: StorageOperation, arguments: [String: String] = [:], id: String? = nil
    ) async throws(StorageClientError) -> StorageReply {
        guard running.load(ordering: .relaxed) else { throw .notRunning }
        let id = id ?? ids.next()
        let request = StorageRequest(
            id: id, operation: operation, replyTo: replyList,
            sentAtMilliseconds: Int64(Date().timeIntervalSince1970 * 1000), arguments: arguments)
        let deadline = ContinuousClock.now + timeout
        waiters.open(id)
        do {
            try await redis.xadd(keys.storageRequests, fields: request.fields)
        } catch {
            waiters.close(id)
            throw .unavailable("\(error)")
        }
        let timer = Task { [waiters] in
            try await Task.sleep(until: deadline)
            waiters.fail(id, with: .timeout(operation))
        }
        defer { timer.cancel() }
        do {
            return try await waiters.wait(for: id)
        } catch let error as StorageClientError {
            throw error
        } catch {
            throw .cancelled
        }
    }

    /// Sends a request and returns its result, throwing `.rejected` for a
    /// failure reply.
    public func result(
        _ operation: StorageOperation, arguments: [String: String] = [:]
    ) async throws(StorageClientError) -> [String: StorageValue] {
        let reply = try await request(operation, arguments: arguments)
        guard reply.ok else {
            throw .rejected(condition: reply.error ?? "internal-server-error", text: reply.text)
        }
        return reply.result ?? [:]
    }
}
