import NIOCore
import Testing

@testable import Redis

@Suite("Sentinel replies and rotation")
struct RedisSentinelTests {
    @Test(arguments: [
        ("127.0.0.1:26379", RedisServerAddress(host: "127.0.0.1", port: 26379)),
        (" sentinel-1:5000 ", RedisServerAddress(host: "sentinel-1", port: 5000)),
        ("[::1]:26379", RedisServerAddress(host: "::1", port: 26379)),
    ])
    func parsesAddresses(_ text: String, _ expected: RedisServerAddress) {
        #expect(RedisServerAddress(parsing: text) == expected)
    }

    @Test(arguments: ["", "host", "host:", ":26379", "host:0", "host:70000", "host:port"])
    func refusesMalformedAddresses(_ text: String) {
        #expect(RedisServerAddress(parsing: text) == nil)
    }

    @Test func printsAddressesBack() {
        #expect(RedisServerAddress(host: "::1", port: 1).description == "[::1]:1")
        #expect(RedisServerAddress(host: "redis", port: 6379).description == "redis:6379")
    }

    @Test func readsTheMasterAddress() {
        let reply = RESPValue.array([.bulkString(ByteBuffer(string: "127.0.0.5")), .bulkString(ByteBuffer(string: "6380"))])
        #expect(RedisSentinelReply.masterAddress(reply) == RedisServerAddress(host: "127.0.0.5", port: 6380))
    }

    @Test(arguments: [
        RESPValue.null,
        .array([]),
        .array([.bulkString(ByteBuffer(string: "127.0.0.5"))]),
        .array([.bulkString(ByteBuffer(string: "127.0.0.5")), .bulkString(ByteBuffer(string: "x"))]),
        .array([.bulkString(ByteBuffer(string: "")), .bulkString(ByteBuffer(string: "6379"))]),
        .error("ERR No such master with that name"),
    ])
    func unknownMasterIsNoAddress(_ reply: RESPValue) {
        #expect(RedisSentinelReply.masterAddress(reply) == nil)
    }

    @Test func roleSaysMaster() {
        let master = RESPValue.array([.bulkString(ByteBuffer(string: "master")), .integer(3129659), .array([])])
        let replica = RESPValue.array([
            .bulkString(ByteBuffer(string: "slave")), .bulkString(ByteBuffer(string: "127.0.0.1")), .integer(9753),
            .bulkString(ByteBuffer(string: "connected")), .integer(3167038),
        ])
        #expect(RedisSentinelReply.isMaster(master))
        #expect(!RedisSentinelReply.isMaster(replica))
        #expect(!RedisSentinelReply.isMaster(.error("NOAUTH")))
    }

    @Test func asksTheLastSentinelThatAnsweredFirst() {
        var rotation = RedisSentinelRotation(count: 3)
        #expect(rotation.order == [0, 1, 2])
        rotation.answered(2)
        #expect(rotation.order == [2, 0, 1])
        rotation.answered(1)
        #expect(rotation.order == [1, 2, 0])
        rotation.answered(7)
        #expect(rotation.order == [1, 2, 0])
        #expect(RedisSentinelRotation(count: 0).order == [])
    }

    @Test func readOnlyReplyDropsTheConnection() {
        #expect(RedisChannelHandler.isReadOnlyError(.error("READONLY You can't write against a read only replica.")))
        #expect(!RedisChannelHandler.isReadOnlyError(.error("ERR READONLY is not a command")))
        #expect(!RedisChannelHandler.isReadOnlyError(.simpleString("READONLY ")))
    }
}
