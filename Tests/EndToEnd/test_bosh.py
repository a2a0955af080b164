"""Issue 6/7: strophe.js (Debian's libjs-strophe) in headless Chromium, over
BOSH through the launcher's nginx and gateways, chatting with a slixmpp user
over c2s; and raw HTTP against the gateways for the binding's error answers."""

import asyncio
import os
import shutil
import time
import urllib.request

import pytest

from browser import HARNESS, chat_with_page, page_opener
from cluster import gateway_of, gateways_of, new_account, wait_for
from xmpp import logged_in


def run(coroutine, limit=90):
    return asyncio.run(asyncio.wait_for(coroutine, limit))


@pytest.fixture
def page(cluster):
    """Puts the harness page into the gateways' web root; yields a starter."""
    shutil.copy(HARNESS, os.path.join(cluster.state["web_root"], "strophe-harness.html"))
    with page_opener(cluster, cluster.state["net"] + ".1") as open_page:
        yield open_page


def test_a_browser_chats_over_bosh_with_a_tcp_client(cluster, page):
    web_jid, pw = new_account(cluster, "web")
    tcp_jid, _ = new_account(cluster, "tcp")
    collector = page(web_jid, pw)
    connected = collector.wait(lambda e: e["event"] == "connected", 45, "strophe to connect")
    assert connected["jid"].startswith(web_jid + "/")
    assert connected["attempt"] == 1, "the first login did not stick to its gateway"
    assert gateway_of(cluster, web_jid).startswith("bosh-gateway-")

    chat_with_page(cluster, collector, web_jid, tcp_jid, pw, "hello browser")


def test_kill_9_a_bosh_gateway_the_browser_comes_back_on_another(cluster, page):
    web_jid, pw = new_account(cluster, "web")
    tcp_jid, _ = new_account(cluster, "tcp")
    collector = page(web_jid, pw)
    first = collector.wait(lambda e: e["event"] == "connected", 45, "strophe to connect")
    assert first["attempt"] == 1, "the first login did not stick to its gateway"
    node = gateway_of(cluster, web_jid)
    index = int(node.rsplit("-", 1)[1])
    killed_at = time.monotonic()
    try:
        cluster.kill("bosh-gateway", index)
        again = collector.wait(lambda e: e["event"] == "connected" and e["attempt"] > 1, 30, "strophe to log in again")
        assert again["jid"].startswith(web_jid + "/")
        print(f"\nrecovery: BOSH gateway kill -9, strophe.js logged in again after {time.monotonic() - killed_at:.1f} s")
        # The dead gateway's session leaves the registry with the sweep (≤ 10 s).
        wait_for(lambda: len(gateways_of(cluster, web_jid)) == 1, 15, 0.2, "the dead session to be swept")
        assert gateway_of(cluster, web_jid) != node

        async def scenario():
            tcp = await logged_in(cluster, tcp_jid, pw)
            try:
                tcp.send_message(mto=web_jid, mbody="after the crash", mtype="chat")
                await tcp.next_message(body="echo: after the crash", timeout=20)
            finally:
                await tcp.close()

        run(scenario())
    finally:
        cluster.start("bosh-gateway", index)


def post(cluster, body, path="/xmpp", cookie=None):
    nginx = cluster.process("nginx", 0)
    request = urllib.request.Request(
        f"http://{nginx['host']}:{nginx['port']}{path}", data=body.encode(), method="POST",
        headers={"Content-Type": "text/xml; charset=utf-8", **({"Cookie": cookie} if cookie else {})})
    with urllib.request.urlopen(request, timeout=20) as response:
        return response.status, response.headers, response.read().decode()


BOSH = "xmlns='http://jabber.org/protocol/httpbind'"


def test_an_unknown_sid_is_terminated_at_once(cluster):
    started = time.monotonic()
    status, _, body = post(cluster, f"<body {BOSH} rid='1001' sid='no-such-session'/>")
    assert time.monotonic() - started < 5
    assert "type='terminate'" in body.replace('"', "'") and "item-not-found" in body


def test_session_creation_sets_the_vroute_cookie(cluster):
    status, headers, body = post(
        cluster, f"<body {BOSH} content='text/xml; charset=utf-8' hold='1' rid='4000' to='localhost' "
                 "ver='1.6' wait='5' xml:lang='en' xmlns:xmpp='urn:xmpp:xbosh' xmpp:version='1.0'/>")
    assert status == 200 and "sid=" in body
    cookie = headers.get("Set-Cookie", "")
    assert cookie.startswith("vroute=g5"), cookie


def test_a_cookie_cannot_steer_nginx_outside_the_gateways(cluster):
    # g1 would be nginx itself, g999 no gateway: both fall back to a live gateway,
    # which answers for the unknown session; nothing hangs or loops.
    for vroute in ("g1", "g999", "../etc", "g50;evil"):
        status, _, body = post(cluster, f"<body {BOSH} rid='1' sid='nope'/>", cookie=f"vroute={vroute}")
        assert status == 200 and "item-not-found" in body, vroute


def test_a_malformed_body_is_a_bad_request(cluster):
    try:
        status, _, body = post(cluster, "<body this is not xml")
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read().decode()
    assert status in (200, 400) and ("bad-request" in body or status == 400)


def test_the_demo_web_client_is_served(cluster):
    nginx = cluster.process("nginx", 0)
    with urllib.request.urlopen(f"http://{nginx['host']}:{nginx['port']}/index.html", timeout=10) as response:
        assert b"Trellis web chat" in response.read()
    with urllib.request.urlopen(f"http://{nginx['host']}:{nginx['port']}/strophe.js", timeout=10) as response:
        assert b"Strophe" in response.read()
