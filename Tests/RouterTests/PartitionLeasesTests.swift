import Cluster
import Testing
@testable import Router

private let t0 = ContinuousClock.now
private func at(_ seconds: Double) -> ContinuousClock.Instant { t0 + .milliseconds(Int(seconds * 1000)) }
private func routers(_ count: Int) -> [NodeID] { (1...count).map { NodeID("router-\($0)")! } }

@Suite("Partition assignment")
struct PartitionAssignmentTests {
    let assignment = PartitionAssignment(partitions: 32)

    @Test func everyPartitionHasExactlyOneOwner() {
        let live = routers(3)
        let owned = live.map { assignment.partitions(ownedBy: $0, among: live) }
        #expect(owned.reduce(0) { $0 + $1.count } == 32)
        #expect(owned[0].isDisjoint(with: owned[1]) && owned[1].isDisjoint(with: owned[2]) && owned[0].isDisjoint(with: owned[2]))
    }

    @Test func loadIsSpreadReasonably() {
        for count in 2...4 {
            let live = routers(count)
            let sizes = live.map { assignment.partitions(ownedBy: $0, among: live).count }
            #expect(sizes.min()! >= 32 / count / 2, "\(count) routers: \(sizes)")
        }
    }

    @Test func onlyTheLeaversPartitionsMove() {
        let before = routers(3)
        let after = Array(before.dropLast())
        for partition in 0..<32 where assignment.owner(of: partition, among: before) != before.last {
            #expect(assignment.owner(of: partition, among: before) == assignment.owner(of: partition, among: after))
        }
    }

    @Test func orderOfTheMembershipListDoesNotMatter() {
        let live = routers(4)
        for partition in 0..<32 {
            #expect(assignment.owner(of: partition, among: live) == assignment.owner(of: partition, among: live.reversed()))
        }
    }
}

@Suite("Partition leases")
struct PartitionLeasesTests {
    @Test func aLoneRouterAcquiresEverythingThenRenews() {
        var leases = PartitionLeases(me: NodeID("router-1")!, assignment: PartitionAssignment(partitions: 4))
        let first = leases.plan(liveRouters: routers(1), now: at(0))
        #expect(first.acquire == [0, 1, 2, 3])
        for partition in first.acquire { leases.granted(partition, sentAt: at(0)) }
        let second = leases.plan(liveRouters: routers(1), now: at(1))
        #expect(second.renew == [0, 1, 2, 3] && second.acquire.isEmpty && second.release.isEmpty)
    }

    @Test func aJoiningRouterMakesUsReleaseItsShare() {
        let assignment = PartitionAssignment(partitions: 8)
        var leases = PartitionLeases(me: NodeID("router-1")!, assignment: assignment)
        for partition in leases.plan(liveRouters: routers(1), now: at(0)).acquire { leases.granted(partition, sentAt: at(0)) }
        let plan = leases.plan(liveRouters: routers(2), now: at(1))
        #expect(Set(plan.release) == assignment.partitions(ownedBy: NodeID("router-2")!, among: routers(2)))
        #expect(Set(plan.renew) == assignment.partitions(ownedBy: NodeID("router-1")!, among: routers(2)))
    }

    @Test func processingStopsBeforeTheLeaseCouldHaveExpired() {
        var leases = PartitionLeases(me: NodeID("router-1")!, assignment: PartitionAssignment(partitions: 1), leaseDuration: .seconds(5), safetyMargin: .seconds(1))
        leases.granted(0, sentAt: at(10))
        #expect(leases.mayProcess(0, now: at(13.9)))
        #expect(!leases.mayProcess(0, now: at(14)))
        // An expired lease is forgotten and must be acquired again, not renewed.
        #expect(leases.plan(liveRouters: routers(1), now: at(15)).acquire == [0])
    }

    @Test func aRefusedLeaseIsNotProcessed() {
        var leases = PartitionLeases(me: NodeID("router-1")!, assignment: PartitionAssignment(partitions: 2))
        leases.granted(0, sentAt: at(0))
        leases.refused(1)
        #expect(leases.processable(now: at(1)) == [0])
        leases.released(0)
        #expect(leases.processable(now: at(1)).isEmpty)
    }
}
