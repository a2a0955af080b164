"""XEP-0313 message archives with slixmpp (xep_0313, xep_0359) against the
launcher's cluster: two users chat across two c2s nodes, each reads both
directions back from their own archive, pages it with RSM, filters it by
contact and by time; the delivered message carries the stanza id the archive
uses; the query's errors; disco."""

import asyncio
import datetime

from slixmpp.exceptions import IqError

from cluster import new_account
from xmpp import Client, iq

MAM = "urn:xmpp:mam:2"


def run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, 120))


class ArchiveClient(Client):
    def __init__(self, jid, password, **kwargs):
        super().__init__(jid, password, **kwargs)
        for plugin in ("xep_0004", "xep_0059", "xep_0297", "xep_0313", "xep_0359"):
            self.register_plugin(plugin)

    async def archive(self, **kwargs):
        """One page of the own archive: (results, fin) — results as
        (archive id, from, body, delay stamp), in the order they came."""
        result = await self.plugin["xep_0313"].retrieve(timeout=10, **kwargs)
        rows = []
        for message in result["mam"]["results"]:
            forwarded = message["mam_result"]["forwarded"]
            inner = forwarded["stanza"]
            rows.append((message["mam_result"]["id"], str(inner["from"]), inner["body"], forwarded["delay"]["stamp"]))
        return rows, result["mam_fin"]


async def login(cluster, jid, password, c2s_index=0):
    return await ArchiveClient(jid, password).login(cluster, c2s_index=c2s_index)


async def query_error(client, payload):
    """The error condition of an archive query IQ set carrying `payload`."""
    try:
        await iq(client, "set", payload)
    except IqError as error:
        return error.iq["error"]["condition"]
    raise AssertionError(f"{payload} was answered")


def form(*fields):
    values = "".join(f"<field var='{name}'><value>{value}</value></field>" for name, value in fields)
    return (f"<query xmlns='{MAM}'><x xmlns='jabber:x:data' type='submit'>"
            f"<field var='FORM_TYPE' type='hidden'><value>{MAM}</value></field>{values}</x></query>")


def test_disco_shows_archives_on_the_account_and_stanza_ids_on_the_domain(cluster):
    jid, pw = new_account(cluster, "disco")

    async def scenario():
        client = await login(cluster, jid, pw)
        try:
            account = await client.plugin["xep_0030"].get_info(jid=jid, timeout=10)
            assert MAM in account["disco_info"]["features"]
            assert MAM + "#extended" in account["disco_info"]["features"]
            domain = await client.plugin["xep_0030"].get_info(jid=cluster.state["domain"], timeout=10)
            assert "urn:xmpp:sid:0" in domain["disco_info"]["features"]
            # XEP-0313 §4.1.5: the query form.
            fields = await client.plugin["xep_0313"].get_fields(timeout=10)
            assert {"with", "start", "end", "before-id", "after-id", "ids"} <= set(fields.get_fields())
        finally:
            await client.close()

    run(scenario())


def test_both_users_read_the_conversation_back_page_it_and_filter_it(cluster):
    alice_jid, pw = new_account(cluster, "alice")
    bob_jid, _ = new_account(cluster, "bob")
    carol_jid, _ = new_account(cluster, "carol")

    async def scenario():
        alice = await login(cluster, alice_jid, pw, c2s_index=0)
        bob = await login(cluster, bob_jid, pw, c2s_index=1)
        carol = await login(cluster, carol_jid, pw, c2s_index=1)
        try:
            # Six messages across the two c2s nodes, alternating directions.
            delivered = []
            for n in range(6):
                sender, receiver, to = (alice, bob, bob_jid) if n % 2 == 0 else (bob, alice, alice_jid)
                sender.send_message(mto=to, mbody=f"m{n}", mtype="chat")
                message = await receiver.next_message(body=f"m{n}")
                # XEP-0359: stamped by the recipient's archive.
                assert message["stanza_id"]["by"] == receiver.boundjid.bare
                delivered.append(message["stanza_id"]["id"])
            assert len(set(delivered)) == 6
            carol.send_message(mto=alice_jid, mbody="from carol", mtype="chat")
            await alice.next_message(body="from carol")

            # Each archive holds both directions, in order, under the delivered ids.
            rows, fin = await alice.archive()
            assert [body for _, _, body, _ in rows] == ["m0", "m1", "m2", "m3", "m4", "m5", "from carol"]
            assert [row[0] for row in rows[:6]] == delivered
            assert rows[0][1] == str(alice.boundjid) and rows[1][1] == str(bob.boundjid)
            assert fin["complete"] in ("true", True)
            bob_rows, _ = await bob.archive()
            assert [body for _, _, body, _ in bob_rows] == ["m0", "m1", "m2", "m3", "m4", "m5"]
            assert [row[0] for row in bob_rows] == delivered

            # RSM: max + after walks forward; an empty <before/> is the last page.
            page, fin = await alice.archive(with_jid=bob_jid, rsm={"max": 2})
            assert [r[2] for r in page] == ["m0", "m1"] and fin["complete"] in ("false", False)
            assert fin["rsm"]["count"] == "6" and fin["rsm"]["first"] == delivered[0] and fin["rsm"]["last"] == delivered[1]
            page, _ = await alice.archive(with_jid=bob_jid, rsm={"max": 2, "after": delivered[1]})
            assert [r[2] for r in page] == ["m2", "m3"]
            page, fin = await alice.archive(with_jid=bob_jid, rsm={"max": 2, "after": delivered[3]})
            assert [r[2] for r in page] == ["m4", "m5"] and fin["complete"] in ("true", True)
            # slixmpp's reverse iteration asks for the last page with an empty
            # <before/> and yields it newest first (it then stops: its
            # first_index + items == count test only fits forward paging).
            newest = [m["mam_result"]["forwarded"]["stanza"]["body"]
                      async for m in alice.plugin["xep_0313"].iterate(reverse=True, rsm={"max": 3}, total=3)]
            assert newest == ["from carol", "m5", "m4"]
            page, fin = await alice.archive(rsm={"max": 3, "before": rows[4][0]})
            assert [r[2] for r in page] == ["m1", "m2", "m3"] and fin["complete"] in ("false", False)
            assert fin["rsm"]["first_index"] == "1"

            # with and start/end filters (start/end include their instants).
            page, _ = await alice.archive(with_jid=carol_jid)
            assert [r[2] for r in page] == ["from carol"]
            start, end = rows[2][3], rows[4][3]
            page, _ = await alice.archive(start=start, end=end)
            assert [r[2] for r in page] == ["m2", "m3", "m4"]
            page, _ = await alice.archive(start=rows[6][3] + datetime.timedelta(seconds=1))
            assert page == []
        finally:
            for client in (alice, bob, carol):
                await client.close()

    run(scenario())


def test_a_message_to_an_offline_user_is_archived_and_delivered_with_its_stanza_id(cluster):
    alice_jid, pw = new_account(cluster, "alice")
    dave_jid, _ = new_account(cluster, "dave")

    async def scenario():
        alice = await login(cluster, alice_jid, pw, c2s_index=0)
        try:
            alice.send_message(mto=dave_jid, mbody="while you were out", mtype="chat")
            rows = []
            for _ in range(50):
                rows, _ = await alice.archive()
                if rows:
                    break
                await asyncio.sleep(0.1)
            assert [r[2] for r in rows] == ["while you were out"]
            dave = await login(cluster, dave_jid, pw, c2s_index=1)
            try:
                message = await dave.next_message(body="while you were out")
                assert message["stanza_id"]["by"] == dave_jid and message["stanza_id"]["id"] == rows[0][0]
                dave_rows, _ = await dave.archive()
                assert [r[0] for r in dave_rows] == [rows[0][0]]
            finally:
                await dave.close()
        finally:
            await alice.close()

    run(scenario())


def test_query_errors(cluster):
    alice_jid, pw = new_account(cluster, "alice")
    bob_jid, _ = new_account(cluster, "bob")

    async def scenario():
        alice = await login(cluster, alice_jid, pw)
        try:
            # XEP-0082: a date that is not a DateTime.
            assert await query_error(alice, form(("start", "2010-06-07"))) == "bad-request"
            # XEP-0313 §4.3.2: an RSM id that is not in the archive.
            missing = f"<query xmlns='{MAM}'><set xmlns='http://jabber.org/protocol/rsm'><after>1-0-0</after></set></query>"
            assert await query_error(alice, missing) == "item-not-found"
            assert await query_error(alice, form(("after-id", "nonsense"))) == "item-not-found"
            # §4.1.5: a field the server does not know.
            assert await query_error(alice, form(("{urn:example}search", "x"))) == "feature-not-implemented"
            # §9.1: someone else's archive.
            request = alice.Iq(stype="set", sto=bob_jid)
            from slixmpp.xmlstream import ET
            request.append(ET.fromstring(f"<query xmlns='{MAM}'/>"))
            try:
                await request.send(timeout=10)
                raise AssertionError("another user's archive was answered")
            except IqError as error:
                assert error.iq["error"]["condition"] == "forbidden"
        finally:
            await alice.close()

    run(scenario())
