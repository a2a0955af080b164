import Testing
@testable import Cluster

/// Archive ids (XEP-0313, XEP-0359): made from route stream entries, unique
/// across partitions, in the order the cluster accepted the messages.
@Suite("Archive ids")
struct ArchiveIDTests {
    @Test func madeFromAStreamEntryAndItsPartition() throws {
        let id = try #require(ArchiveID(streamEntryID: "1764150000000-7", partition: 17))
        #expect(id.description == "1764150000000-7-17")
        #expect(ArchiveID(id.description) == id)
        #expect(ArchiveID(streamEntryID: "1764150000000", partition: 1) == nil)
        #expect(ArchiveID(streamEntryID: "x-1", partition: 1) == nil)
        #expect(ArchiveID(streamEntryID: "1-1", partition: -1) == nil)
    }

    @Test func onlyItsOwnFormReadsBack() {
        for text in ["", "1-2", "1-2-3-4", "1--3", "a-2-3", "1-2-+3", " 1-2-3", "1-2-3 ", "99999999999999999999-0-0"] {
            #expect(ArchiveID(text) == nil, "\(text)")
        }
    }

    @Test func sortsByTimeThenSequenceThenPartition() throws {
        let ids = ["1000-0-5", "999-9-9", "1000-1-0", "1000-0-6", "1001-0-0"].compactMap(ArchiveID.init)
        #expect(ids.sorted().map(\.description) == ["999-9-9", "1000-0-5", "1000-0-6", "1000-1-0", "1001-0-0"])
    }

    @Test func theRouteStreamNamesItsPartition() {
        let keys = ClusterKeys(prefix: "t:")
        #expect(keys.partition(ofRoute: keys.route(partition: 17)) == 17)
        #expect(keys.partition(ofRoute: "t:route:{x}") == nil)
        #expect(keys.partition(ofRoute: "u:route:{3}") == nil)
    }
}
