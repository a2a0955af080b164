"""Through compose's published c2s port: two slixmpp users log in over STARTTLS
(accounts made with trellisctl inside the storage container) and exchange
messages through the scaled routers."""

import asyncio

from cluster import new_account
from xmpp import logged_in


def run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, 60))


def test_two_users_exchange_messages_over_starttls(cluster):
    alice_jid, alice_pw = new_account(cluster, "alice")
    bob_jid, bob_pw = new_account(cluster, "bob")

    async def scenario():
        alice = await logged_in(cluster, alice_jid, alice_pw, mechanism="SCRAM-SHA-256")
        bob = await logged_in(cluster, bob_jid, bob_pw, mechanism="SCRAM-SHA-1")
        try:
            for client in (alice, bob):
                assert client.transport.get_extra_info("ssl_object") is not None, "the stream is not encrypted"
            alice.send_message(mto=bob_jid, mbody="hello bob, from compose", mtype="chat")
            message = await bob.next_message(body="hello bob, from compose")
            assert str(message["from"]) == str(alice.boundjid)
            bob.send_message(mto=str(alice.boundjid), mbody="hello alice", mtype="chat")
            assert (await alice.next_message(body="hello alice"))["from"] == bob.boundjid
        finally:
            await alice.close()
            await bob.close()

    run(scenario())
