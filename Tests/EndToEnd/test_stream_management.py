"""XEP-0198 stream management with slixmpp against the launcher's cluster:
acknowledgements, resumption on another c2s node after the first is killed
(nothing lost, nothing twice, in order), resumption after a cut connection,
expiry into offline storage, and the errors of §5/§6."""

import asyncio
import contextlib
import time

from cluster import new_account, pid_alive, wait_for
from xmpp import ManagedClient, logged_in, subscribe_both_ways

SM = "urn:xmpp:sm:3"


def run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, 120))


@contextlib.asynccontextmanager
async def sender_and_managed(cluster, name, **kwargs):
    """alice, a plain client on c2s 1, and bob, with stream management on c2s 0."""
    alice_jid, pw = new_account(cluster, name + "a")
    bob_jid, _ = new_account(cluster, name + "b")
    alice = await logged_in(cluster, alice_jid, pw, c2s_index=1)
    bob = await ManagedClient(bob_jid, pw, **kwargs).login(cluster, c2s_index=0)
    try:
        await bob.wait_enabled()
        yield alice, bob
    finally:
        await bob.close()
        await alice.close()


def run_then_restart_c2s_0(cluster, coroutine):
    try:
        run(coroutine)
    finally:
        # Not when the scenario failed before it killed the node (its own error is the one to see).
        if not pid_alive(cluster.process("c2s", 0)["pid"]):
            cluster.start("c2s", 0)


def queue_length(cluster, client):
    bare = client.boundjid.bare
    return int(cluster.redis("LLEN", cluster.key(f"sm:{{{bare}}}:{client.sm.sm_id}:q"))[0])


def test_stream_management_is_offered_enabled_and_acknowledged(cluster):
    async def scenario():
        async with sender_and_managed(cluster, "smack") as (peer, client):
            assert "stream_management" in client.features
            for index in range(5):
                peer.send_message(mto=str(client.boundjid), mbody=f"ack {index}", mtype="chat")
            assert await client.bodies(5) == [f"ack {index}" for index in range(5)]
            # The server asks for acknowledgements; slixmpp answers; the
            # acknowledged stanzas leave the queue in Redis.
            await asyncio.to_thread(
                wait_for, lambda: queue_length(cluster, client) == 0, 10, what="the queue to empty")
            # The server answers our own <r/> with how many of our stanzas it handled.
            client.send_message(mto=peer.boundjid.bare, mbody="counted", mtype="chat")
            await peer.next_message(body="counted")
            client.sm.request_ack()
            await asyncio.wait_for(client._until(lambda: not client.sm.unacked_queue), 10)

    run(scenario())


def test_kill_9_the_c2s_node_and_resume_on_another_nothing_lost_nothing_twice_in_order(cluster):
    async def scenario():
        async with sender_and_managed(cluster, "smkill") as (alice, bob):
            full = str(bob.boundjid)
            for index in range(1, 21):
                alice.send_message(mto=full, mbody=f"m{index}", mtype="chat")
            # Mid-conversation: some of these are read, some are still on their way.
            await bob.next_message(body="m3")
            killed_at = time.monotonic()
            await asyncio.to_thread(cluster.kill, "c2s", 0)
            # Sent while bob's node is dead and bob is away.
            for index in range(21, 31):
                alice.send_message(mto=full, mbody=f"m{index}", mtype="chat")
            await alice["xep_0199"].ping(jid=cluster.state["domain"], timeout=10)
            await asyncio.wait_for(bob.ended, 10)
            resumed_at = await bob.resume_on(cluster, 1)
            print(f"\nresumption: c2s kill -9, resumed on another node {resumed_at - killed_at:.2f} s after the kill")
            assert str(bob.boundjid) == full
            for index in range(31, 41):
                alice.send_message(mto=full, mbody=f"m{index}", mtype="chat")
            received = ["m1", "m2", "m3"] + await bob.bodies(37)
            assert received == [f"m{index}" for index in range(1, 41)]
            await asyncio.sleep(1.5)
            assert bob.messages.empty(), "a message arrived twice"
            # Contacts never saw bob leave: his session lived on.
            registry = cluster.redis("HGET", cluster.key(f"sessions:{{{bob.boundjid.bare}}}"), bob.boundjid.resource)[0]
            assert cluster.process("c2s", 1)["node_id"] in registry

    run_then_restart_c2s_0(cluster, scenario())


def test_resuming_after_the_sweeper_removed_the_session_brings_it_back_online(cluster):
    async def scenario():
        async with sender_and_managed(cluster, "smswept") as (alice, bob):
            bob_jid = bob.boundjid.bare
            await subscribe_both_ways(alice, bob)
            bob.send_presence()
            await alice.next_presence(sender=bob_jid)
            full = str(bob.boundjid)
            await asyncio.to_thread(cluster.kill, "c2s", 0)
            await asyncio.wait_for(bob.ended, 10)
            # The sweeper removes the dead node's sessions: contacts see bob go,
            # and a message sent now is stored offline.
            await alice.next_presence(sender=bob_jid, ptype="unavailable", timeout=30)
            alice.send_message(mto=full, mbody="while you were swept", mtype="chat")
            await alice["xep_0199"].ping(jid=cluster.state["domain"], timeout=10)
            await bob.resume_on(cluster, 1)
            assert str(bob.boundjid) == full
            # The session comes back: its presence is routed again, and what
            # waited offline is delivered.
            await alice.next_presence(sender=full, ptype="available")
            await bob.next_message(body="while you were swept")
            alice.send_message(mto=full, mbody="welcome back", mtype="chat")
            await bob.next_message(body="welcome back")

    run_then_restart_c2s_0(cluster, scenario())


def test_a_cut_connection_resumes_on_another_node_with_what_was_sent_meanwhile(cluster):
    async def scenario():
        async with sender_and_managed(cluster, "smcut") as (alice, bob):
            alice.send_message(mto=str(bob.boundjid), mbody="before", mtype="chat")
            await bob.next_message(body="before")
            bob.cut()
            await asyncio.wait_for(bob.ended, 10)
            await asyncio.sleep(0.5)
            for index in range(3):
                alice.send_message(mto=str(bob.boundjid), mbody=f"while away {index}", mtype="chat")
            await alice["xep_0199"].ping(jid=cluster.state["domain"], timeout=10)
            await bob.resume_on(cluster, 1)
            assert await bob.bodies(3) == [f"while away {index}" for index in range(3)]
            alice.send_message(mto=str(bob.boundjid), mbody="after", mtype="chat")
            await bob.next_message(body="after")

    run(scenario())


def test_an_expired_session_hands_its_unacknowledged_messages_to_offline_storage(cluster):
    async def scenario():
        async with sender_and_managed(cluster, "smexpire", max_seconds=2) as (alice, bob):
            full = str(bob.boundjid)
            bob.cut()
            await asyncio.wait_for(bob.ended, 10)
            await asyncio.sleep(0.5)
            alice.send_message(mto=full, mbody="kept for later", mtype="chat")
            # Past max (2 s) the session ends: the message goes to offline storage.
            await asyncio.to_thread(
                wait_for, lambda: cluster.redis("HEXISTS", cluster.key(f"sessions:{{{bob.boundjid.bare}}}"),
                                                bob.boundjid.resource) == ["0"], 15, what="the session to expire")
            bob_again = await logged_in(cluster, bob.boundjid.bare, bob.password, c2s_index=1)
            try:
                await bob_again.next_message(body="kept for later")
            finally:
                await bob_again.close()

    run(scenario())


def test_resuming_an_unknown_session_fails_with_item_not_found(cluster):
    jid, pw = new_account(cluster, "smunknown")

    async def scenario():
        client = ManagedClient(jid, pw)
        client.sm.sm_id = "no-such-session"
        await client.login(cluster, c2s_index=0, presence=False)
        try:
            # slixmpp falls back to binding a new session, as §5 intends.
            assert client.failures, "no <failed/> came back"
            assert client.failures[0].xml.find("{urn:ietf:params:xml:ns:xmpp-stanzas}item-not-found") is not None
        finally:
            await client.close()

    run(scenario())


def test_acknowledging_more_than_was_sent_ends_the_stream_with_undefined_condition(cluster):
    jid, pw = new_account(cluster, "smhigh")

    async def scenario():
        client = await ManagedClient(jid, pw).login(cluster, c2s_index=0, presence=False)
        await client.wait_enabled()
        client.send_raw(f"<a xmlns='{SM}' h='1000'/>")
        await asyncio.wait_for(client.ended, 10)
        assert "undefined-condition" in client.stream_errors

    run(scenario())


def test_resuming_with_a_count_higher_than_sent_fails(cluster):
    jid, pw = new_account(cluster, "smresumehigh")

    async def scenario():
        client = await ManagedClient(jid, pw).login(cluster, c2s_index=0, presence=False)
        await client.wait_enabled()
        client.cut()
        await asyncio.wait_for(client.ended, 10)
        client.sm.handled = 1000
        client.ended = asyncio.get_event_loop().create_future()
        client.connect(cluster.process("c2s", 1)["host"], cluster.process("c2s", 1)["port"])
        await asyncio.wait_for(client._until(lambda: client.failures), 15)
        failed = client.failures[0].xml
        assert failed.find("{urn:ietf:params:xml:ns:xmpp-stanzas}undefined-condition") is not None
        assert failed.find(f"{{{SM}}}handled-count-too-high") is not None
        await client.close()

    run(scenario())


# MARK: over WebSocket (RFC 7395), raw frames


async def websocket_session(cluster, jid, password):
    """A raw XMPP WebSocket authenticated with PLAIN, its post-auth features read."""
    import base64

    from test_websocket import OPEN, opened

    ws = await opened(cluster)
    token = base64.b64encode(f"\0{jid.split('@')[0]}\0{password}".encode()).decode()
    await ws.send(f"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>{token}</auth>")
    assert "<success" in await asyncio.wait_for(ws.recv(), 10)
    await ws.send(OPEN)
    await asyncio.wait_for(ws.recv(), 10)
    features = await asyncio.wait_for(ws.recv(), 10)
    return ws, features


async def next_frame(ws, containing):
    while True:
        frame = await asyncio.wait_for(ws.recv(), 10)
        if containing in frame:
            return frame


def test_a_websocket_session_resumes_on_a_new_websocket_which_replaces_the_old(cluster):
    import re

    jid, pw = new_account(cluster, "smws")
    alice_jid, _ = new_account(cluster, "smwsalice")

    async def scenario():
        alice = await logged_in(cluster, alice_jid, pw, c2s_index=1)
        first, features = await websocket_session(cluster, jid, pw)
        try:
            assert f"<sm xmlns='{SM}'/>" in features
            await first.send("<iq xmlns='jabber:client' type='set' id='b'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>")
            full = re.search(r"<jid>([^<]+)</jid>", await next_frame(first, "<jid>")).group(1)
            await first.send(f"<enable xmlns='{SM}' resume='true'/>")
            enabled = await next_frame(first, "<enabled")
            previd = re.search(r" id='([^']+)'", enabled).group(1)
            assert " resume='true'" in enabled and " max='300'" in enabled
            alice.send_message(mto=full, mbody="over the websocket", mtype="chat")
            assert "over the websocket" in await next_frame(first, "<message")
            # The server asks for an acknowledgement; this client never answers.
            assert await next_frame(first, "<r ") == f"<r xmlns='{SM}'/>"

            # A new WebSocket (any gateway nginx picks) resumes while the old
            # one is still open: the old one is replaced, the message comes again.
            second, _ = await websocket_session(cluster, jid, pw)
            try:
                await second.send(f"<resume xmlns='{SM}' previd='{previd}' h='0'/>")
                assert await next_frame(second, "<resumed") == f"<resumed xmlns='{SM}' previd='{previd}' h='0'/>"
                assert "over the websocket" in await next_frame(second, "<message")
                assert "conflict" in await next_frame(first, "<stream:error")
                await second.send(f"<a xmlns='{SM}' h='1'/>")
                alice.send_message(mto=full, mbody="after the switch", mtype="chat")
                assert "after the switch" in await next_frame(second, "<message")
            finally:
                await second.close()
        finally:
            await first.close()
            await alice.close()

    run(scenario())
