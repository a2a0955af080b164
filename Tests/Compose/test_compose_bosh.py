"""Through compose's published HTTP port: nginx in front of the scaled
bosh-gateway replicas. New sessions spread over the replicas, each named by its
`vroute` cookie; strophe.js in headless Chromium chats over BOSH with a slixmpp
user; and when the container of the gateway holding the browser's session is
killed, nginx sends the session's next request to a live replica, which ends it
at once (item-not-found), and the page logs in again there
(docs/bosh-behind-nginx.md)."""

import asyncio
import re
import time
import urllib.request

import pytest

from browser import HARNESS, chat_with_page, page_opener
from cluster import gateway_of, gateways_of, new_account, wait_for
from xmpp import logged_in

BOSH = "xmlns='http://jabber.org/protocol/httpbind'"
SESSION_REQUEST = (f"<body {BOSH} content='text/xml; charset=utf-8' hold='1' rid='{{rid}}' to='localhost' "
                   "ver='1.6' wait='5' xml:lang='en' xmlns:xmpp='urn:xmpp:xbosh' xmpp:version='1.0'/>")


def run(coroutine, limit=90):
    return asyncio.run(asyncio.wait_for(coroutine, limit))


def vroute_of(cookies):
    """`gN` from a Set-Cookie header (HttpOnly: the page cannot read it)."""
    found = re.search(r"vroute=(g[0-9]+)", cookies or "")
    assert found, f"no vroute cookie in {cookies!r}"
    return found.group(1)


@pytest.fixture(scope="module")
def harness(cluster):
    """The harness page in every gateway's web root (the image's demo client
    has no test page; `podman cp` puts it beside it)."""
    for container in cluster.containers("bosh-gateway"):
        cluster.podman("cp", HARNESS, f"{container['Names'][0]}:/usr/share/trellis/web/strophe-harness.html")


@pytest.fixture
def page(cluster, harness):
    with page_opener(cluster, cluster.address) as open_page:
        yield open_page


def test_new_sessions_spread_over_the_gateways_each_named_by_its_cookie(cluster):
    nginx = cluster.process("nginx")
    seen = {}
    for rid in range(4000, 4012):
        request = urllib.request.Request(
            f"http://{nginx['host']}:{nginx['port']}/xmpp", data=SESSION_REQUEST.format(rid=rid).encode(),
            method="POST", headers={"Content-Type": "text/xml; charset=utf-8"})
        with urllib.request.urlopen(request, timeout=20) as response:
            body = response.read().decode()
            assert response.status == 200 and "sid=" in body, body
            vroute = vroute_of(response.headers.get("Set-Cookie"))
        seen[vroute] = seen.get(vroute, 0) + 1
    print(f"\nsessions per gateway (vroute): {dict(sorted(seen.items()))}")
    replicas = {cluster.gateway_by_vroute(vroute) for vroute in seen}
    assert len(replicas) >= 2, f"nginx sent every new session to one replica: {seen}"


def test_a_browser_chats_over_bosh_through_nginx(cluster, page):
    web_jid, pw = new_account(cluster, "web")
    tcp_jid, _ = new_account(cluster, "tcp")
    collector = page(web_jid, pw)
    connected = collector.wait(lambda e: e["event"] == "connected", 45, "strophe to connect")
    assert connected["jid"].startswith(web_jid + "/")
    assert connected["attempt"] == 1, "the first login did not stick to its gateway"
    # The session lives on a running replica that announced its vroute.
    cluster.gateway_by_vroute(cluster.vroute_of_node(gateway_of(cluster, web_jid)))

    chat_with_page(cluster, collector, web_jid, tcp_jid, pw, "hello browser")


def test_killing_the_sessions_gateway_container_nginx_falls_back_to_another(cluster, page):
    web_jid, pw = new_account(cluster, "web")
    tcp_jid, _ = new_account(cluster, "tcp")
    collector = page(web_jid, pw)
    first = collector.wait(lambda e: e["event"] == "connected", 45, "strophe to connect")
    assert first["attempt"] == 1, "the first login did not stick to its gateway"
    node = gateway_of(cluster, web_jid)
    vroute = cluster.vroute_of_node(node)
    container = cluster.gateway_by_vroute(vroute)

    killed_at = time.monotonic()
    cluster.podman("kill", "--signal", "KILL", container)
    again = collector.wait(lambda e: e["event"] == "connected" and e["attempt"] > 1, 45, "strophe to log in again")
    relogin_seconds = time.monotonic() - killed_at
    assert again["jid"].startswith(web_jid + "/")
    # The dead replica's session leaves the registry with the sweep; the new
    # one lives on a replica still running.
    wait_for(lambda: len(gateways_of(cluster, web_jid)) == 1, 30, 0.2, "the dead session to be swept")
    new_node = gateway_of(cluster, web_jid)
    assert new_node != node
    survivor = cluster.gateway_by_vroute(cluster.vroute_of_node(new_node))
    print(f"\nkilled {container} ({vroute}) under a live BOSH session; strophe.js logged in again after "
          f"{relogin_seconds:.1f} s on {survivor} through nginx's fallback")

    async def scenario():
        tcp = await logged_in(cluster, tcp_jid, pw)
        try:
            tcp.send_message(mto=web_jid, mbody="after the kill", mtype="chat")
            await tcp.next_message(body="echo: after the kill", timeout=20)
        finally:
            await tcp.close()

    run(scenario())
