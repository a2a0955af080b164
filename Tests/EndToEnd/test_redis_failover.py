"""Issue 14 drill: Redis that fails over. A cluster of its own with a Redis
master, one replica and three sentinels (`scripts/trellis up --sentinel`);
two users on different c2s nodes exchange a steady numbered stream; the master
is killed with -9; the sentinels promote the replica; every service finds it
through them and chat resumes on the same sessions.

Printed (pytest -s) for docs/clustering.md: how long until the promotion, the
longest pause in delivery, and how many messages were refused (the sender got
`<internal-server-error type='wait'/>`), lost (accepted, never delivered) or
delivered twice."""

import asyncio
import os
import time

from cluster import new_account, own_cluster
from conftest import TEST_NET
from xmpp import logged_in

# Short failure detection so the drill stays quick; production keeps longer
# values (docs/clustering.md, "Redis Sentinel").
SENTINEL = ("--sentinel", "--sentinel-down-after-ms", "1000", "--sentinel-failover-timeout-ms", "5000")
INTERVAL = 0.05          # one message every 50 ms
BEFORE_KILL = 60         # messages before the kill
AFTER_RECOVERY = 60      # messages sent once the stream flows again
PARTITIONS = 32          # router.partitions (the default)


def wait_replicas_setting():
    """`TRELLIS_TEST_WAIT_REPLICAS=1` runs the drill with redis.wait_replicas=1."""
    value = os.environ.get("TRELLIS_TEST_WAIT_REPLICAS", "")
    return {"TRELLIS_LAUNCH_REDIS_WAIT_REPLICAS": value} if value else {}


def test_kill_9_the_redis_master_a_replica_takes_over_and_chat_resumes():
    settings = {"TRELLIS_LAUNCH_LOG_LEVEL": "info", **wait_replicas_setting()}
    with own_cluster(TEST_NET, 3, settings, routers=2, c2s=2, bosh=0, up_args=SENTINEL) as cluster:
        old_master = cluster.redis_master()
        replica = next(p for p in cluster.processes("redis") if (p["host"], p["port"]) != old_master)
        alice_jid, pw = new_account(cluster, "alice")
        bob_jid, _ = new_account(cluster, "bob")
        # Replicated before the drill: the accounts are on both servers.
        cluster.redis("WAIT", "1", "2000")
        asyncio.run(asyncio.wait_for(drill(cluster, alice_jid, bob_jid, pw, replica), 110))


async def drill(cluster, alice_jid, bob_jid, pw, replica):
    alice = await logged_in(cluster, alice_jid, pw, c2s_index=0)
    bob = await logged_in(cluster, bob_jid, pw, c2s_index=1)
    refused = set()
    received = []           # (seq, monotonic time)
    sent_at = {}

    def refusal(message):
        if message["id"].startswith("seq-"):
            refused.add(int(message["id"][4:]))
    # slixmpp hands error replies to `message_error`, not `message`.
    alice.add_event_handler("message_error", refusal)

    async def collect_deliveries():
        while True:
            message = await bob.messages.get()
            if message["type"] == "chat" and message["body"].startswith("seq "):
                received.append((int(message["body"][4:]), time.monotonic()))

    def send(n):
        message = alice.make_message(mto=str(bob.boundjid), mbody=f"seq {n}", mtype="chat")
        message["id"] = f"seq-{n}"
        message.send()
        sent_at[n] = time.monotonic()

    tasks = [asyncio.create_task(collect_deliveries())]
    try:
        n = 0
        for n in range(BEFORE_KILL):
            send(n)
            await asyncio.sleep(INTERVAL)
        first_after_kill = BEFORE_KILL
        killed_at = time.monotonic()
        await asyncio.to_thread(cluster.kill, "redis", "master")

        # The stream goes on through the failover: refused while no master
        # takes writes, accepted again once the gateways found the new one.
        promoted_at = None
        resumed_at = None
        n = first_after_kill
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            send(n)
            n += 1
            await asyncio.sleep(INTERVAL)
            if promoted_at is None and await asyncio.to_thread(cluster.redis_master) == (replica["host"], replica["port"]):
                promoted_at = time.monotonic()
            if resumed_at is None and any(seq >= first_after_kill for seq, _ in received):
                resumed_at = time.monotonic()
            if resumed_at is not None:
                break
        assert promoted_at is not None, "the sentinels did not promote the replica"
        assert resumed_at is not None, "no message got through after the failover"
        role = await asyncio.to_thread(cluster.redis_at, replica["host"], replica["port"], "ROLE")
        assert role[:1] == ["master"], role

        # A consumer group the old master created just before it died is
        # missing on the new one: NOGROUP must make its reader create it again.
        await asyncio.to_thread(lose_consumer_groups, cluster)
        recovered_from = n
        for _ in range(AFTER_RECOVERY):
            send(n)
            n += 1
            await asyncio.sleep(INTERVAL)
        last = n - 1

        # Everything accepted after the recovery arrives, in order.
        accepted_late = [s for s in range(recovered_from, last + 1) if s not in refused]
        await wait_until_async(lambda: {seq for seq, _ in received} >= set(accepted_late), 30,
                               "every message accepted after the recovery")
        await asyncio.sleep(1)   # a late duplicate would show up by now

        # The services are ready and registered on the new master.
        for process in cluster.processes():
            if "admin" in process:
                status, _ = cluster.admin(process, "/ready")
                assert status == 200, f"{process['node_id']} is not ready"
                assert cluster.redis("EXISTS", cluster.key(f"node:{{{process['node_id']}}}")) == ["1"], process
        # The sessions kept working: same streams, no stream error.
        assert not alice.ended.done() and not bob.ended.done()
        assert not alice.stream_errors and not bob.stream_errors

        seqs = [seq for seq, _ in received]
        firsts = []
        for seq in seqs:
            if seq not in firsts:
                firsts.append(seq)
        duplicates = len(seqs) - len(firsts)
        assert firsts == sorted(firsts), "messages were reordered"
        accepted = [s for s in range(0, last + 1) if s not in refused]
        lost = [s for s in accepted if s not in set(seqs)]
        refused_but_delivered = sorted(refused & set(seqs))
        assert not [s for s in lost if s < first_after_kill - 10 or s >= recovered_from], lost
        pause = max(b - a for (_, a), (_, b) in zip(received, received[1:]))
        # What an accept point's WAIT costs shows in the latency before the kill.
        calm = sorted(at - sent_at[seq] for seq, at in received if seq < first_after_kill - 10)
        print(f"\nfailover: wait_replicas={os.environ.get('TRELLIS_TEST_WAIT_REPLICAS') or 0}; before the kill "
              f"send→receive p50 {1000 * calm[len(calm) // 2]:.1f} ms, p95 {1000 * calm[int(len(calm) * 0.95)]:.1f} ms")
        print(f"failover: kill -9 of the Redis master; replica promoted after {promoted_at - killed_at:.1f} s, "
              f"chat flowing again after {resumed_at - killed_at:.1f} s; longest pause in delivery {pause:.1f} s")
        print(f"failover: {last + 1} sent, {len(refused)} refused with <wait/>, {len(lost)} lost "
              f"(accepted, never delivered: {lost}), {duplicates} delivered twice, "
              f"{len(refused_but_delivered)} refused yet delivered {refused_but_delivered}")
    finally:
        for task in tasks:
            task.cancel()
        await alice.close()
        await bob.close()


def lose_consumer_groups(cluster):
    """Destroys the routers' group on every partition and the gateways' group
    on each c2s delivery stream, on the new master."""
    host, port = cluster.redis_master()
    for partition in range(PARTITIONS):
        cluster.redis_at(host, port, "XGROUP", "DESTROY", cluster.key(f"route:{{{partition}}}"), "routers", check=False)
    for c2s in cluster.processes("c2s"):
        cluster.redis_at(host, port, "XGROUP", "DESTROY", cluster.key(f"deliver:{{{c2s['node_id']}}}"), "gateway",
                         check=False)


async def wait_until_async(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")
