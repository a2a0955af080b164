import Cluster
import ClusterIO
import Foundation
import GRDB
import XMPPStream

/// `account.*`: accounts and their SCRAM credentials. Only salts, iteration
/// counts and derived keys are stored or accepted; a request carrying a
/// `password` argument is refused, so a password can never end up in Redis or
/// on disk by mistake.
enum AccountOperations {
    static func exists(_ user: String, in db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM accounts WHERE user = ?)", arguments: [user]) ?? false
    }

    static func requireAccount(_ user: String, in db: Database) throws {
        guard try exists(user, in: db) else { throw StorageFailure.noSuchUser(user) }
    }

    static func create(_ arguments: RequestArguments, now: Int64, in db: Database) throws -> [String: StorageValue] {
        let user = try arguments.account()
        let credentials = try Self.credentials(arguments)
        if try exists(user, in: db) {
            guard arguments.flag("if_missing") else { throw StorageFailure(.conflict, "account exists") }
            return ["created": .bool(false)]
        }
        try db.execute(sql: "INSERT INTO accounts (user, created_at) VALUES (?, ?)", arguments: [user, now])
        try db.execute(sql: "INSERT INTO roster_versions (user, version) VALUES (?, 0)", arguments: [user])
        try store(credentials, for: user, in: db)
        return ["created": .bool(true)]
    }

    static func setPassword(_ arguments: RequestArguments, in db: Database) throws -> [String: StorageValue] {
        let user = try arguments.account()
        let credentials = try Self.credentials(arguments)
        try requireAccount(user, in: db)
        try db.execute(sql: "DELETE FROM scram_credentials WHERE user = ?", arguments: [user])
        try store(credentials, for: user, in: db)
        return [:]
    }

    static func delete(_ arguments: RequestArguments, in db: Database) throws -> [String: StorageValue] {
        let user = try arguments.account()
        try requireAccount(user, in: db)
        // Foreign keys cascade to every row the user owns.
        try db.execute(sql: "DELETE FROM accounts WHERE user = ?", arguments: [user])
        return [:]
    }

    static func list(in db: Database) throws -> [String: StorageValue] {
        let users = try String.fetchAll(db, sql: "SELECT user FROM accounts ORDER BY user")
        return ["users": .list(users.map { .string($0) })]
    }

    static func credentials(
        _ arguments: RequestArguments, in db: Database
    ) throws -> [String: StorageValue] {
        let user = try arguments.account()
        let name = try arguments.required("mechanism")
        guard let hash = SCRAMHashFunction(mechanismName: name) else {
            throw StorageFailure.badRequest("unknown mechanism")
        }
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT salt, iterations, stored_key, server_key FROM scram_credentials WHERE user = ? AND mechanism = ?",
                arguments: [user, hash.rawValue])
        else { throw StorageFailure(.itemNotFound, "no credentials") }
        let credentials = SCRAMCredentials(
            hashFunction: hash, salt: Array(row["salt"] as Data), iterations: row["iterations"],
            storedKey: Array(row["stored_key"] as Data), serverKey: Array(row["server_key"] as Data))
        return [hash.storageField: .string(credentials.storageText)]
    }

    /// Every stored credential of `user` (one per mechanism); `nil` when the
    /// account does not exist.
    static func allCredentials(of user: String, in db: Database) throws -> [SCRAMCredentials]? {
        guard try exists(user, in: db) else { return nil }
        let rows = try Row.fetchAll(
            db, sql: "SELECT mechanism, salt, iterations, stored_key, server_key FROM scram_credentials WHERE user = ?",
            arguments: [user])
        return rows.compactMap { row in
            guard let hash = SCRAMHashFunction(mechanismName: row["mechanism"]) else { return nil }
            return SCRAMCredentials(
                hashFunction: hash, salt: Array(row["salt"] as Data), iterations: row["iterations"],
                storedKey: Array(row["stored_key"] as Data), serverKey: Array(row["server_key"] as Data))
        }
    }

    /// The credentials in a create or password request: one or both mechanisms.
    private static func credentials(_ arguments: RequestArguments) throws -> [SCRAMCredentials] {
        if arguments.values["password"] != nil {
            throw StorageFailure.badRequest("passwords are not accepted; send derived SCRAM credentials")
        }
        var credentials: [SCRAMCredentials] = []
        for hash in SCRAMHashFunction.allCases {
            guard let text = arguments.optional(hash.storageField) else { continue }
            guard let credential = SCRAMCredentials(storageText: text, hashFunction: hash) else {
                throw StorageFailure.badRequest("malformed \(hash.storageField)")
            }
            credentials.append(credential)
        }
        guard !credentials.isEmpty else { throw StorageFailure.badRequest("no SCRAM credentials") }
        return credentials
    }

    private static func store(_ credentials: [SCRAMCredentials], for user: String, in db: Database) throws {
        for credential in credentials {
            try db.execute(
                sql: """
                    INSERT INTO scram_credentials (user, mechanism, salt, iterations, stored_key, server_key)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    user, credential.hashFunction.rawValue, Data(credential.salt), credential.iterations,
                    Data(credential.storedKey), Data(credential.serverKey),
                ])
        }
    }
}
