"""Issue 17: XMPP over WebSocket (RFC 7395) on the bosh-gateways, through the
launcher's nginx at /xmpp-websocket. strophe.js (Debian's libjs-strophe) in
headless Chromium logs in with SCRAM and chats with a slixmpp user on c2s; the
`websockets` client checks the framing and the handshake byte by byte."""

import asyncio
import json
import os
import re
import shutil
import urllib.request

import pytest
import websockets
from websockets.exceptions import InvalidStatus

from browser import HARNESS, chat_with_page, page_opener
from cluster import gateway_of, new_account
from test_bosh import run

FRAMING = "urn:ietf:params:xml:ns:xmpp-framing"
OPEN = f"<open xmlns='{FRAMING}' to='localhost' version='1.0'/>"
CLOSE = f"<close xmlns='{FRAMING}'/>"


def websocket_url(cluster):
    nginx = cluster.process("nginx", 0)
    return f"ws://{nginx['host']}:{nginx['port']}/xmpp-websocket"


@pytest.fixture
def websocket_page(cluster):
    """The harness page in the gateways' web root, opened on WebSocket."""
    shutil.copy(HARNESS, os.path.join(cluster.state["web_root"], "strophe-harness.html"))
    with page_opener(cluster, cluster.state["net"] + ".1", transport="websocket") as open_page:
        yield open_page


def test_launcher_publishes_the_websocket_url(cluster):
    nginx = cluster.process("nginx", 0)
    assert nginx["websocket_url"] == websocket_url(cluster)


def test_strophe_over_websocket_chats_with_a_tcp_client(cluster, websocket_page):
    web_jid, pw = new_account(cluster, "wsweb")
    tcp_jid, _ = new_account(cluster, "wstcp")
    collector = websocket_page(web_jid, pw)
    connected = collector.wait(lambda e: e["event"] == "connected", 45, "strophe to connect over WebSocket")
    assert connected["jid"].startswith(web_jid + "/")
    assert connected["transport"] == "websocket"
    assert connected["service"] == websocket_url(cluster)
    assert connected["mechanism"].startswith("SCRAM-"), connected["mechanism"]
    assert gateway_of(cluster, web_jid).startswith("bosh-gateway-")

    # c2s → WebSocket: the page reports it; WebSocket → c2s: its echo.
    received = chat_with_page(cluster, collector, web_jid, tcp_jid, pw, "hello websocket")
    assert received["from"].startswith(tcp_jid + "/")


async def opened(cluster):
    """A raw XMPP WebSocket after `<open/>`, its features read."""
    ws = await websockets.connect(websocket_url(cluster), subprotocols=["xmpp"], open_timeout=10)
    await ws.send(OPEN)
    reply = await asyncio.wait_for(ws.recv(), 10)
    assert reply.startswith(f"<open xmlns='{FRAMING}' id='")
    assert " version='1.0'" in reply and " from='localhost'" in reply
    features = await asyncio.wait_for(ws.recv(), 10)
    assert features.startswith("<stream:features xmlns:stream='http://etherx.jabber.org/streams'>")
    assert "<mechanism>SCRAM-SHA-256</mechanism>" in features
    assert "starttls" not in features
    return ws


async def expect_stream_error(ws, condition):
    """`<stream:error>` with `condition`, `<close/>`, then the WebSocket closes normally."""
    error = await asyncio.wait_for(ws.recv(), 10)
    assert error.startswith("<stream:error xmlns:stream='http://etherx.jabber.org/streams'>"), error
    assert re.search(f"<{condition} xmlns='urn:ietf:params:xml:ns:xmpp-streams'", error), error
    assert await asyncio.wait_for(ws.recv(), 10) == CLOSE
    await asyncio.wait_for(ws.wait_closed(), 10)
    assert ws.close_code == 1000


def test_the_101_carries_xmpp_and_the_vroute_cookie(cluster):
    async def scenario():
        ws = await websockets.connect(websocket_url(cluster), subprotocols=["xmpp"], open_timeout=10)
        try:
            assert ws.subprotocol == "xmpp"
            assert ws.response.status_code == 101
            cookie = ws.response.headers.get("Set-Cookie", "")
            assert re.match(r"vroute=g5[0-9]; Path=/; HttpOnly", cookie), cookie
        finally:
            await ws.close()

    run(scenario(), 30)


@pytest.mark.parametrize("offered", [None, ["chat"]])
def test_a_handshake_without_xmpp_is_refused(cluster, offered):
    async def scenario():
        with pytest.raises(InvalidStatus) as refused:
            await websockets.connect(websocket_url(cluster), subprotocols=offered, open_timeout=10)
        assert refused.value.response.status_code == 400

    run(scenario(), 30)


def test_malformed_xml_is_not_well_formed_then_close(cluster):
    async def scenario():
        ws = await opened(cluster)
        await ws.send("<message xmlns='jabber:client'><body>no end</message>")
        await expect_stream_error(ws, "not-well-formed")

    run(scenario(), 30)


def test_two_elements_in_one_message_are_refused(cluster):
    async def scenario():
        ws = await opened(cluster)
        await ws.send("<presence xmlns='jabber:client'/><presence xmlns='jabber:client'/>")
        await expect_stream_error(ws, "not-well-formed")

    run(scenario(), 30)


def test_a_binary_message_is_refused(cluster):
    async def scenario():
        ws = await opened(cluster)
        await ws.send(b"<presence xmlns='jabber:client'/>")
        await expect_stream_error(ws, "unsupported-encoding")

    run(scenario(), 30)


def test_a_message_over_max_stanza_size_is_a_policy_violation(cluster):
    async def scenario():
        ws = await opened(cluster)
        await ws.send("<message xmlns='jabber:client'><body>" + "x" * 70_000 + "</body></message>")
        await expect_stream_error(ws, "policy-violation")

    run(scenario(), 30)


def test_close_is_answered_with_close(cluster):
    async def scenario():
        ws = await opened(cluster)
        await ws.send(CLOSE)
        assert await asyncio.wait_for(ws.recv(), 10) == CLOSE
        await asyncio.wait_for(ws.wait_closed(), 10)
        assert ws.close_code == 1000

    run(scenario(), 30)


def test_ping_is_answered(cluster):
    async def scenario():
        ws = await opened(cluster)
        try:
            pong = await ws.ping(b"trellis")
            await asyncio.wait_for(pong, 10)
        finally:
            await ws.close()

    run(scenario(), 30)


def test_host_meta_advertises_bosh_and_websocket(cluster):
    nginx = cluster.process("nginx", 0)
    base = f"http://{nginx['host']}:{nginx['port']}"
    with urllib.request.urlopen(f"{base}/.well-known/host-meta", timeout=10) as response:
        assert response.headers.get("Access-Control-Allow-Origin") == "*"
        xrd = response.read().decode()
    assert f"<Link rel='urn:xmpp:alt-connections:websocket' href='{websocket_url(cluster)}'/>" in xrd
    assert f"<Link rel='urn:xmpp:alt-connections:xbosh' href='{base}/xmpp'/>" in xrd
    with urllib.request.urlopen(f"{base}/.well-known/host-meta.json", timeout=10) as response:
        links = {link["rel"]: link["href"] for link in json.load(response)["links"]}
    assert links["urn:xmpp:alt-connections:websocket"] == websocket_url(cluster)


def metric(cluster, name):
    """The sum of a metric's samples over every bosh-gateway."""
    total = 0.0
    for process in cluster.processes("bosh-gateway"):
        _, body = cluster.admin(process, "/metrics")
        for line in body.splitlines():
            if line.startswith(name) and not line.startswith("#"):
                total += float(line.rsplit(" ", 1)[1])
    return total


def test_gateways_count_websockets_on_their_metrics_endpoint(cluster):
    accepted = metric(cluster, 'xmpp_websocket_upgrades{outcome="accepted"}')

    async def scenario():
        ws = await opened(cluster)
        try:
            assert metric(cluster, "xmpp_websocket_connections") >= 1
            assert metric(cluster, 'xmpp_websocket_upgrades{outcome="accepted"}') == accepted + 1
            assert metric(cluster, "xmpp_websocket_messages_out") >= 2
        finally:
            await ws.close()

    run(scenario(), 30)


@pytest.mark.parametrize("vroute", ["g1", "g999", "../etc", "g50;evil"])
def test_a_forged_cookie_still_lands_on_a_gateway(cluster, vroute):
    async def scenario():
        ws = await websockets.connect(
            websocket_url(cluster), subprotocols=["xmpp"], open_timeout=10,
            additional_headers={"Cookie": f"vroute={vroute}"})
        try:
            assert re.match(r"vroute=g5[0-9];", ws.response.headers.get("Set-Cookie", ""))
        finally:
            await ws.close()

    run(scenario(), 30)


def test_the_cookie_of_a_dead_gateway_falls_back_to_a_live_one(cluster):
    dead = cluster.process("bosh-gateway", 1)
    cluster.kill("bosh-gateway", 1)
    try:
        async def scenario():
            ws = await websockets.connect(
                websocket_url(cluster), subprotocols=["xmpp"], open_timeout=10,
                additional_headers={"Cookie": f"vroute={dead['vroute']}"})
            try:
                live = cluster.process("bosh-gateway", 0)["vroute"]
                assert ws.response.headers.get("Set-Cookie", "").startswith(f"vroute={live};")
                await ws.send(OPEN)
                assert (await asyncio.wait_for(ws.recv(), 10)).startswith("<open ")
            finally:
                await ws.close()

        run(scenario(), 30)
    finally:
        cluster.start("bosh-gateway", 1)
