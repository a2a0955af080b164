"""The account's own data through the routers and storage, with slixmpp:
roster set/remove with pushes and versioning (RFC 6121 §2, XEP-0237),
vCards (XEP-0054), private XML (XEP-0049)."""

import asyncio

import slixmpp
from slixmpp.xmlstream import ET

from cluster import new_account
from xmpp import Client, iq, logged_in


def run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, 60))


def test_roster_set_pushes_to_every_interested_resource_and_versions(cluster):
    jid, pw = new_account(cluster, "rose")

    async def scenario():
        first = await logged_in(cluster, jid, pw)
        second = Client(jid + "/second", pw)
        await second.login(cluster, c2s_index=1)
        pushes = asyncio.Queue()
        second.add_event_handler("roster_update", lambda iq: pushes.put_nowait(iq))
        try:
            result = await iq(first, "get", "<query xmlns='jabber:iq:roster'/>")
            version = result.xml.find("{jabber:iq:roster}query").get("ver")
            await iq(first, "set", "<query xmlns='jabber:iq:roster'><item jid='nurse@localhost' name='Nurse'>"
                                   "<group>Household</group></item></query>")
            push = await asyncio.wait_for(pushes.get(), 10)
            item = push.xml.find("{jabber:iq:roster}query/{jabber:iq:roster}item")
            assert item.get("jid") == "nurse@localhost" and item.get("name") == "Nurse"
            assert item.get("subscription") == "none"
            # XEP-0237: the version moved; asking with the current one gets an empty result.
            current = (await iq(first, "get", "<query xmlns='jabber:iq:roster'/>")).xml.find("{jabber:iq:roster}query").get("ver")
            assert current != version
            unchanged = await iq(first, "get", f"<query xmlns='jabber:iq:roster' ver='{current}'/>")
            assert unchanged.xml.find("{jabber:iq:roster}query") is None
            await iq(first, "set", "<query xmlns='jabber:iq:roster'><item jid='nurse@localhost' subscription='remove'/></query>")
            removal = await asyncio.wait_for(pushes.get(), 10)
            assert removal.xml.find("{jabber:iq:roster}query/{jabber:iq:roster}item").get("subscription") == "remove"
            final = await iq(first, "get", "<query xmlns='jabber:iq:roster'/>")
            assert final.xml.find("{jabber:iq:roster}query/{jabber:iq:roster}item") is None
        finally:
            await first.close()
            await second.close()

    run(scenario())


def test_vcards_are_stored_and_readable_by_others(cluster):
    owner_jid, pw = new_account(cluster, "card")
    reader_jid, _ = new_account(cluster, "reader")

    async def scenario():
        owner = await logged_in(cluster, owner_jid, pw)
        reader = await logged_in(cluster, reader_jid, pw)
        try:
            await iq(owner, "set", "<vCard xmlns='vcard-temp'><FN>Juliet Capulet</FN><NICKNAME>J</NICKNAME></vCard>")
            request = reader.Iq(stype="get", sto=owner_jid)
            request.append(ET.fromstring("<vCard xmlns='vcard-temp'/>"))
            result = await request.send(timeout=10)
            assert result.xml.find("{vcard-temp}vCard/{vcard-temp}FN").text == "Juliet Capulet"
            # Someone else's vCard cannot be written.
            forged = reader.Iq(stype="set", sto=owner_jid)
            forged.append(ET.fromstring("<vCard xmlns='vcard-temp'><FN>Forged</FN></vCard>"))
            try:
                await forged.send(timeout=10)
                raise AssertionError("wrote another user's vCard")
            except slixmpp.exceptions.IqError as error:
                assert error.iq["error"]["condition"] in ("forbidden", "service-unavailable")
        finally:
            await owner.close()
            await reader.close()

    run(scenario())


def test_private_xml_round_trip_and_jabber_namespaces_refused(cluster):
    jid, pw = new_account(cluster, "priv")

    async def scenario():
        client = await logged_in(cluster, jid, pw)
        try:
            await iq(client, "set", "<query xmlns='jabber:iq:private'><prefs xmlns='urn:example:prefs'><theme>dark</theme></prefs></query>")
            result = await iq(client, "get", "<query xmlns='jabber:iq:private'><prefs xmlns='urn:example:prefs'/></query>")
            assert result.xml.find("{jabber:iq:private}query/{urn:example:prefs}prefs/{urn:example:prefs}theme").text == "dark"
            try:
                await iq(client, "set", "<query xmlns='jabber:iq:private'><x xmlns='jabber:iq:roster'/></query>")
                raise AssertionError("stored under a jabber: namespace")
            except slixmpp.exceptions.IqError as error:
                assert error.iq["error"]["condition"] == "not-acceptable"
        finally:
            await client.close()

    run(scenario())
