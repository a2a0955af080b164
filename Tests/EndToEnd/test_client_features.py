"""What modern clients expect, with slixmpp against the launcher's cluster:
roster versioning advertised (RFC 6121 §2.6), message carbons across c2s nodes
(XEP-0280) and client state indication (XEP-0352)."""

import asyncio

from slixmpp.xmlstream import ET

from cluster import new_account
from xmpp import Client, subscribe_both_ways


def run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, 90))


class FeatureClient(Client):
    def __init__(self, jid, password, **kwargs):
        super().__init__(jid, password, **kwargs)
        self.register_plugin("xep_0280")
        self.register_plugin("xep_0352")
        self.carbons_received = asyncio.Queue()
        self.carbons_sent = asyncio.Queue()
        self.add_event_handler("carbon_received", lambda m: self.carbons_received.put_nowait(m))
        self.add_event_handler("carbon_sent", lambda m: self.carbons_sent.put_nowait(m))


async def login(cluster, jid, password, c2s_index=0, presence=True):
    return await FeatureClient(jid, password).login(cluster, c2s_index=c2s_index, presence=presence)


def forwarded_body(carbon, direction):
    inner = carbon.xml.find(f"{{urn:xmpp:carbons:2}}{direction}/{{urn:xmpp:forward:0}}forwarded/{{jabber:client}}message")
    assert inner is not None, ET.tostring(carbon.xml)
    return inner, inner.findtext("{jabber:client}body")


def test_stream_features_and_disco_advertise_the_client_features(cluster):
    jid, pw = new_account(cluster, "feat")

    async def scenario():
        client = await login(cluster, jid, pw)
        try:
            assert "rosterver" in client.features
            assert client.plugin["xep_0352"].enabled
            info = await client.plugin["xep_0030"].get_info(jid="localhost", timeout=10)
            assert "urn:xmpp:carbons:2" in info["disco_info"]["features"]
            # slixmpp sends the version it holds once the server advertises it:
            # an unchanged roster is answered with an empty result (XEP-0237 §2.3).
            client.client_roster.version = (await client.get_roster(timeout=10))["roster"]["ver"]
            before = len(client.client_roster)
            await client.get_roster(timeout=10)
            assert len(client.client_roster) == before
        finally:
            await client.close()

    run(scenario())


def test_carbons_copy_both_directions_across_c2s_nodes(cluster):
    romeo_jid, pw = new_account(cluster, "romeo")
    juliet_jid, _ = new_account(cluster, "juliet")

    async def scenario():
        home = await FeatureClient(romeo_jid + "/home", pw).login(cluster, c2s_index=0)
        phone = await FeatureClient(romeo_jid + "/phone", pw).login(cluster, c2s_index=1)
        juliet = await login(cluster, juliet_jid, pw)
        try:
            await home.plugin["xep_0280"].enable(timeout=10)
            await phone.plugin["xep_0280"].enable(timeout=10)
            # XEP-0280 §6: a message to /home is copied to /phone as received.
            juliet.send_message(mto=romeo_jid + "/home", mbody="wherefore", mtype="chat")
            assert (await home.next_message(body="wherefore"))["from"] == juliet.boundjid
            inner, body = forwarded_body(await asyncio.wait_for(phone.carbons_received.get(), 10), "received")
            assert body == "wherefore" and inner.get("from") == str(juliet.boundjid)
            # §7: what /home sends is copied to /phone as sent.
            home.send_message(mto=juliet_jid, mbody="here", mtype="chat")
            await juliet.next_message(body="here")
            inner, body = forwarded_body(await asyncio.wait_for(phone.carbons_sent.get(), 10), "sent")
            assert body == "here" and inner.get("to") == juliet_jid
            # §8: <private/> is never copied; the next message shows the queue moved past it.
            secret = home.make_message(mto=juliet_jid, mbody="secret", mtype="chat")
            secret.append(ET.fromstring("<private xmlns='urn:xmpp:carbons:2'/>"))
            secret.send()
            home.send_message(mto=juliet_jid, mbody="public", mtype="chat")
            await juliet.next_message(body="public")
            _, body = forwarded_body(await asyncio.wait_for(phone.carbons_sent.get(), 10), "sent")
            assert body == "public"
            # §5: disabled on /phone, nothing more is copied there.
            await phone.plugin["xep_0280"].disable(timeout=10)
            juliet.send_message(mto=romeo_jid + "/home", mbody="after", mtype="chat")
            await home.next_message(body="after")
            await asyncio.sleep(0.5)
            assert phone.carbons_received.empty() and phone.carbons_sent.empty()
        finally:
            for client in (home, phone, juliet):
                await client.close()

    run(scenario())


def test_an_inactive_client_gets_messages_at_once_and_only_the_latest_presence_on_active(cluster):
    alice_jid, pw = new_account(cluster, "alice")
    bob_jid, _ = new_account(cluster, "bob")

    async def scenario():
        alice = await login(cluster, alice_jid, pw, c2s_index=0)
        bob = await login(cluster, bob_jid, pw, c2s_index=1)
        try:
            await subscribe_both_ways(alice, bob)
            await bob.next_presence(sender=alice_jid, ptype="available")
            while not bob.presences.empty():
                bob.presences.get_nowait()
            bob.plugin["xep_0352"].send_inactive()
            # The CSI nonza has no answer: a ping round trip shows it was read.
            await bob.plugin["xep_0199"].ping(jid="localhost", timeout=10)
            alice.send_presence(pshow="away", pstatus="lunch")
            alice.send_presence(pshow="dnd", pstatus="meeting")
            alice.send_message(mto=bob_jid, mbody="urgent", mtype="chat")
            await bob.next_message(body="urgent")
            # The presences are held while bob is inactive.
            await asyncio.sleep(0.5)
            assert all(str(p["from"]).split("/")[0] != alice_jid for p in list(bob.presences._queue))
            bob.plugin["xep_0352"].send_active()
            latest = await bob.next_presence(sender=alice_jid)
            assert latest["show"] == "dnd" and latest["status"] == "meeting"
            await asyncio.sleep(0.5)
            assert all(str(p["from"]).split("/")[0] != alice_jid for p in list(bob.presences._queue))
        finally:
            await alice.close()
            await bob.close()

    run(scenario())
