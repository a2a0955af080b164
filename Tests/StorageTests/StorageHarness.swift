import Cluster
import ClusterIO
import Foundation
import GRDB
@testable import Storage
import XMPPStream

/// A storage database in a temporary directory (WAL needs a real file), and
/// an executor that answers requests against it as the service does.
final class StorageHarness {
    let directory: URL
    var path: String { directory.appendingPathComponent("db/trellis.sqlite").path }
    private(set) var queue: DatabaseQueue
    var executor: RequestExecutor
    var now: Int64 = 1_700_000_000_000
    private var nextID = 0

    init(limits: StorageLimits = StorageLimits()) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("trellis-storage-\(UUID().uuidString)")
        executor = RequestExecutor(limits: limits)
        queue = try StorageDatabase.open(path: directory.appendingPathComponent("db/trellis.sqlite").path)
    }

    /// A harness whose database already holds the account `user`.
    convenience init(account user: String, limits: StorageLimits = StorageLimits()) throws {
        try self.init(limits: limits)
        try createAccount(user)
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Closes and opens the file again, as a restart would.
    func reopen() throws {
        try queue.close()
        queue = try StorageDatabase.open(path: path)
    }

    /// Runs one request in its own transaction; a fresh id unless `id` is given.
    @discardableResult
    func run(_ operation: StorageOperation, _ arguments: [String: String] = [:], id: String? = nil) throws -> StorageReply {
        nextID += 1
        // Through the stream entry's fields, as the service gets it: an
        // argument a fixed field would shadow is lost here too.
        let request = try StorageRequest(fields: StorageRequest(
            id: id ?? "test:\(nextID)", operation: operation, replyTo: "t:reply:{test}", sentAtMilliseconds: now,
            arguments: arguments).fields)
        let executor = self.executor
        let now = self.now
        return try queue.write { db in try executor.execute(request, now: now, in: db) }
    }

    /// Runs a request that must succeed; returns its result.
    @discardableResult
    func ok(_ operation: StorageOperation, _ arguments: [String: String] = [:], id: String? = nil) throws -> [String: StorageValue] {
        let reply = try run(operation, arguments, id: id)
        guard reply.ok else { throw Failed(reply: reply) }
        return reply.result ?? [:]
    }

    /// The error condition of a request that must fail.
    func condition(_ operation: StorageOperation, _ arguments: [String: String] = [:]) throws -> String? {
        let reply = try run(operation, arguments)
        return reply.ok ? nil : reply.error
    }

    static let credentials: [SCRAMCredentials] = try! SCRAMCredentials.deriveAll(password: "pencil", iterations: 4096)

    func createAccount(_ user: String) throws {
        var arguments = ["user": user]
        for credential in Self.credentials { arguments[credential.storageField] = credential.storageText }
        try ok(.accountCreate, arguments)
    }

    func count(_ table: String) throws -> Int {
        try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
    }

    struct Failed: Error, CustomStringConvertible {
        var reply: StorageReply
        var description: String { "storage refused: \(reply.error ?? "?") \(reply.text ?? "")" }
    }
}
