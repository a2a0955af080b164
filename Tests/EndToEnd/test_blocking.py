"""XEP-0191 blocking command with slixmpp against the launcher's cluster: the
list, block and unblock with their pushes across c2s nodes, what a block does
to messages and presence both ways, and the command's errors."""

import asyncio

from slixmpp.exceptions import IqError

from cluster import new_account
from xmpp import Client, iq, subscribe_both_ways

BLOCKING = "urn:xmpp:blocking"


def run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, 90))


class BlockingClient(Client):
    def __init__(self, jid, password, **kwargs):
        super().__init__(jid, password, **kwargs)
        self.register_plugin("xep_0191")
        self.pushes = asyncio.Queue()
        self.errors = asyncio.Queue()
        self.add_event_handler("blocked", lambda iq: self.pushes.put_nowait(("block", iq)))
        self.add_event_handler("unblocked", lambda iq: self.pushes.put_nowait(("unblock", iq)))
        self.add_event_handler("message_error", lambda m: self.errors.put_nowait(m))

    async def next_push(self, timeout=10):
        kind, iq = await asyncio.wait_for(self.pushes.get(), timeout)
        return kind, {str(item["jid"]) for item in iq[kind]}

    async def next_error(self, timeout=10):
        return await asyncio.wait_for(self.errors.get(), timeout)


async def login(cluster, jid, password, c2s_index=0):
    return await BlockingClient(jid, password).login(cluster, c2s_index=c2s_index)


def drain(queue):
    while not queue.empty():
        queue.get_nowait()


async def command_error(client, payload):
    """The error condition of an IQ set carrying `payload` (XML text)."""
    try:
        await iq(client, "set", payload)
    except IqError as error:
        return error.iq["error"]["condition"]
    raise AssertionError(f"{payload} was accepted")


def test_disco_advertises_blocking(cluster):
    jid, pw = new_account(cluster, "disco")

    async def scenario():
        client = await login(cluster, jid, pw)
        try:
            info = await client.plugin["xep_0030"].get_info(jid=cluster.state["domain"], timeout=10)
            assert BLOCKING in info["disco_info"]["features"]
        finally:
            await client.close()

    run(scenario())


def test_a_block_stops_messages_and_presence_both_ways_until_unblocked(cluster):
    alice_jid, pw = new_account(cluster, "alice")
    bob_jid, _ = new_account(cluster, "bob")

    async def scenario():
        home = await BlockingClient(alice_jid + "/home", pw).login(cluster, c2s_index=0)
        phone = await BlockingClient(alice_jid + "/phone", pw).login(cluster, c2s_index=1)
        bob = await login(cluster, bob_jid, pw, c2s_index=0)
        try:
            await subscribe_both_ways(home, bob)
            await bob.next_presence(sender=alice_jid, ptype="available")
            # §3.2: both resources retrieve the (empty) list, so both get pushes.
            assert await home.plugin["xep_0191"].get_blocked_jids(timeout=10) == set()
            assert await phone.plugin["xep_0191"].get_blocked_jids(timeout=10) == set()
            drain(bob.presences)

            # §3.3: block; the push reaches the other resource on the other c2s node.
            await home.plugin["xep_0191"].block(bob_jid, timeout=10)
            assert await phone.next_push() == ("block", {bob_jid})
            assert await home.next_push() == ("block", {bob_jid})
            assert {str(j) for j in await phone.plugin["xep_0191"].get_blocked_jids(timeout=10)} == {bob_jid}
            # Bob sees Alice go offline, from each of her resources.
            gone = {str((await bob.next_presence(sender=alice_jid, ptype="unavailable"))["from"]) for _ in range(2)}
            assert gone == {alice_jid + "/home", alice_jid + "/phone"}

            # Bob's message is refused as if nobody were there, and never arrives.
            bob.send_message(mto=alice_jid, mbody="let me in", mtype="chat")
            error = await bob.next_error()
            assert error["error"]["condition"] == "service-unavailable"
            # Alice's message to Bob is refused with <blocked/>.
            home.send_message(mto=bob_jid, mbody="go away", mtype="chat")
            error = await home.next_error()
            assert error["error"]["condition"] == "not-acceptable"
            assert error.xml.find("{jabber:client}error/{urn:xmpp:blocking:errors}blocked") is not None
            await asyncio.sleep(0.5)
            assert all(m["body"] != "let me in" for m in list(home.messages._queue) + list(phone.messages._queue))
            assert all(m["body"] != "go away" for m in list(bob.messages._queue))
            # Bob's presence no longer reaches Alice.
            drain(home.presences)
            bob.send_presence(pshow="away")
            await bob.next_presence(sender=bob_jid)  # his own copy: the broadcast was routed
            await asyncio.sleep(0.5)
            assert all(str(p["from"]).split("/")[0] != bob_jid for p in list(home.presences._queue))

            # §3.4: unblock; the push, Alice's presence back at Bob, messages flow again.
            drain(bob.presences)
            await home.plugin["xep_0191"].unblock(bob_jid, timeout=10)
            assert await phone.next_push() == ("unblock", {bob_jid})
            await bob.next_presence(sender=alice_jid, ptype="available")
            bob.send_message(mto=alice_jid, mbody="hello again", mtype="chat")
            await home.next_message(body="hello again")
            home.send_message(mto=bob_jid, mbody="welcome back", mtype="chat")
            await bob.next_message(body="welcome back")
            assert await phone.plugin["xep_0191"].get_blocked_jids(timeout=10) == set()
        finally:
            for client in (home, phone, bob):
                await client.close()

    run(scenario())


def test_unblock_all_and_the_commands_errors(cluster):
    jid, pw = new_account(cluster, "carol")

    async def scenario():
        client = await login(cluster, jid, pw)
        try:
            blocking = client.plugin["xep_0191"]
            await blocking.get_blocked(timeout=10)
            # §3.3: a block without items; an item that is not a JID (RFC 6120 §8.3.3.8).
            assert await command_error(client, f"<block xmlns='{BLOCKING}'/>") == "bad-request"
            assert await command_error(
                client, f"<block xmlns='{BLOCKING}'><item jid='bad@@example.org'/></block>") == "jid-malformed"
            assert await blocking.get_blocked_jids(timeout=10) == set()

            await blocking.block(["spam.example", "troll@example.org/phone"], timeout=10)
            assert await client.next_push() == ("block", {"spam.example", "troll@example.org/phone"})
            # §3.5: an empty <unblock/> clears the list and is pushed as it was sent.
            await iq(client, "set", f"<unblock xmlns='{BLOCKING}'/>")
            assert await client.next_push() == ("unblock", set())
            assert await blocking.get_blocked_jids(timeout=10) == set()
        finally:
            await client.close()

    run(scenario())
