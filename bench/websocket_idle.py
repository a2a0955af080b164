#!/usr/bin/env python3
"""Memory per idle XMPP WebSocket session on one bosh-gateway, and the
round-trip of an XEP-0199 ping over one of them (docs/websocket.md).

Starts its own launcher cluster (1 router, 1 bosh-gateway, no c2s) on
$TRELLIS_BENCH_NET (default 127.0.89), creates accounts, logs N sessions in
over ws:// straight to the gateway (SASL PLAIN, restart, bind; no presence, so
nothing is broadcast), reads the gateway's VmRSS before and after, then pings
the server 500 times over one session. Stops the cluster at the end.

    python3 bench/websocket_idle.py [sessions]       (default 1000)
"""

import asyncio
import base64
import os
import shutil
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "EndToEnd"))
import websockets  # noqa: E402

from cluster import Cluster, new_account  # noqa: E402

FRAMING = "urn:ietf:params:xml:ns:xmpp-framing"
PER_ACCOUNT = 5  # max_resources_per_account


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


async def session(url, domain, jid, password, resource):
    ws = await websockets.connect(url, subprotocols=["xmpp"], open_timeout=20, max_size=None)
    opening = f"<open xmlns='{FRAMING}' to='{domain}' version='1.0'/>"
    await ws.send(opening)
    await ws.recv(), await ws.recv()
    user = jid.split("@")[0]
    token = base64.b64encode(f"\0{user}\0{password}".encode()).decode()
    await ws.send(f"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>{token}</auth>")
    assert "<success" in await ws.recv()
    await ws.send(opening)
    await ws.recv(), await ws.recv()
    await ws.send("<iq xmlns='jabber:client' type='set' id='b'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                  f"<resource>r{resource}</resource></bind></iq>")
    assert "<jid>" in await ws.recv()
    return ws


async def measure(cluster, count):
    gateway = cluster.process("bosh-gateway", 0)
    url = f"ws://{gateway['host']}:{gateway['port']}/xmpp-websocket"
    domain = cluster.state["domain"]
    accounts = [new_account(cluster, "bench") for _ in range((count + PER_ACCOUNT - 1) // PER_ACCOUNT)]
    await asyncio.sleep(1)
    before = rss_kib(gateway["pid"])
    sockets = []
    started = time.monotonic()
    for index in range(count):
        jid, password = accounts[index // PER_ACCOUNT]
        sockets.append(await session(url, domain, jid, password, index % PER_ACCOUNT))
    login_seconds = time.monotonic() - started
    await asyncio.sleep(2)
    after = rss_kib(gateway["pid"])
    probe = sockets[0]
    rtts = []
    for index in range(500):
        sent = time.perf_counter()
        await probe.send(f"<iq xmlns='jabber:client' type='get' to='{domain}' id='p{index}'>"
                         "<ping xmlns='urn:xmpp:ping'/></iq>")
        reply = await probe.recv()
        rtts.append((time.perf_counter() - sent) * 1000)
        assert f"id='p{index}'" in reply, reply
    for ws in sockets:
        await ws.close()
    rtts.sort()
    print(f"{count} WebSocket sessions logged in one after another in {login_seconds:.1f} s "
          f"({count / login_seconds:.0f}/s, PLAIN, through one gateway)")
    print(f"gateway VmRSS {before} KiB → {after} KiB: {(after - before) / count:.1f} KiB per idle bound session")
    print(f"XEP-0199 ping round trip over WebSocket (gateway → router → gateway), 500 pings: "
          f"p50 {statistics.median(rtts):.2f} ms, p99 {rtts[int(len(rtts) * 0.99) - 1]:.2f} ms")


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    run_dir = tempfile.mkdtemp(prefix="trellis-ws-bench-")
    cluster = Cluster(run_dir, os.environ.get("TRELLIS_BENCH_NET", "127.0.89"), routers=1, c2s=0, bosh=1)
    try:
        cluster.up()
        asyncio.run(measure(cluster, count))
    finally:
        cluster.down()
        shutil.rmtree(run_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
