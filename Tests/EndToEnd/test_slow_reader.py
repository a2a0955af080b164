"""Issue #16, the slow reader: a client that stops reading must not grow its
gateway's heap, and what it was sent must not be dropped silently.

A cluster of this module's own with `max_outbound_bytes` at its minimum
(64 KiB) and no flood control. Once the kernel's buffers are full (a few MB),
the bound is what c2s meets next: it must close that connection
(`xmpp_slow_readers_closed`) and:
- with stream management, keep every stanza in the session's queue, so that a
  resumption brings every message exactly once and in order;
- without it, hand what it could not write back to the routers, so that what
  comes after the close waits in offline storage for the next login."""

import asyncio

import pytest

from cluster import new_account, own_cluster
from conftest import TEST_NET
from xmpp import ManagedClient, logged_in

BODY = "x" * 8000
CHUNK = 50
# 32 MB: more than the kernel buffers of one loopback connection hold.
MOST = 4000


@pytest.fixture(scope="module")
def small_outbound():
    settings = {
        "TRELLIS_LAUNCH_TLS_REQUIRED": "false",
        "TRELLIS_LAUNCH_MAX_OUTBOUND_BYTES": "65536",
        "TRELLIS_LAUNCH_C2S_MAX_BYTES_PER_SECOND": "0",
    }
    with own_cluster(TEST_NET, 2, settings, routers=1, c2s=1, bosh=0) as cluster:
        yield cluster


def run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, 240))


def slow_readers_closed(cluster):
    _, body = cluster.admin(cluster.process("c2s", 0), "/metrics")
    return sum(float(line.rsplit(" ", 1)[1]) for line in body.splitlines()
               if line.startswith("xmpp_slow_readers_closed") and not line.startswith("#"))


def stop_reading(client):
    """The client keeps its connection open and reads nothing more from it
    (until `read_again`). The kernel grows a receive buffer only as its
    reader reads, so it stays small; c2s's send buffer fills next (a few MB
    on loopback), then c2s's own bound."""
    client.transport.pause_reading()


def read_again(client):
    client.transport.resume_reading()


async def flood_until_closed(cluster, sender, to, closed_before):
    """Sends numbered 8 KB messages to `to`, CHUNK at a time (each chunk routed
    before the next: the sender's ping comes back after them), until c2s has
    closed a slow reader; returns how many were sent."""
    sent = 0
    while sent < MOST:
        for _ in range(CHUNK):
            sender.send_message(mto=to, mbody=f"{sent} {BODY}", mtype="chat")
            sent += 1
        await sender["xep_0199"].ping(jid=cluster.state["domain"], timeout=60)
        if await asyncio.to_thread(slow_readers_closed, cluster) > closed_before:
            return sent
    raise AssertionError(f"c2s did not close a client that left {sent} messages of 8 KB unread")


def numbers(messages):
    return [int(message["body"].split(" ", 1)[0]) for message in messages]


def test_a_managed_client_that_stops_reading_is_closed_and_resumes_with_every_message_once_in_order(small_outbound):
    cluster = small_outbound

    async def scenario():
        alice_jid, password = new_account(cluster, "slowa")
        bob_jid, _ = new_account(cluster, "slowb")
        alice = await logged_in(cluster, alice_jid, password)
        bob = await ManagedClient(bob_jid, password).login(cluster)
        try:
            await bob.wait_enabled()
            full = str(bob.boundjid)
            before = await asyncio.to_thread(slow_readers_closed, cluster)
            stop_reading(bob)
            sent = await flood_until_closed(cluster, alice, full, before)
            # More while bob's connection is gone: they wait in the session's queue.
            for index in range(sent, sent + 10):
                alice.send_message(mto=full, mbody=f"{index} {BODY}", mtype="chat")
            await alice["xep_0199"].ping(jid=cluster.state["domain"], timeout=60)
            read_again(bob)  # what the kernel still held, then the end of the stream
            await asyncio.wait_for(bob.ended, 60)
            await bob.resume_on(cluster, 0)
            received = [await bob.next_message(timeout=60) for _ in range(sent + 10)]
            assert numbers(received) == list(range(sent + 10))
            await asyncio.sleep(1)
            assert bob.messages.empty(), "a message arrived twice"
            print(f"\nslow reader (stream management): closed after {sent} messages of 8 KB, "
                  f"all {sent + 10} delivered once and in order after resumption")
        finally:
            await bob.close()
            await alice.close()

    run(scenario())


def test_a_plain_client_that_stops_reading_is_closed_and_what_follows_waits_offline(small_outbound):
    cluster = small_outbound

    async def scenario():
        alice_jid, password = new_account(cluster, "slowc")
        bob_jid, _ = new_account(cluster, "slowd")
        alice = await logged_in(cluster, alice_jid, password)
        bob = await logged_in(cluster, bob_jid, password)
        bob_again = None
        try:
            before = await asyncio.to_thread(slow_readers_closed, cluster)
            stop_reading(bob)
            await flood_until_closed(cluster, alice, bob_jid, before)
            bob.transport.abort()
            alice.send_message(mto=bob_jid, mbody="after the close", mtype="chat")
            await alice["xep_0199"].ping(jid=cluster.state["domain"], timeout=60)
            bob_again = await logged_in(cluster, bob_jid, password)
            # Offline messages come first (and maybe some of the flood that
            # was handed back when the connection closed): "after the close" among them.
            await bob_again.next_message(body="after the close", timeout=60)
        finally:
            if bob_again is not None:
                await bob_again.close()
            await alice.close()

    run(scenario())
