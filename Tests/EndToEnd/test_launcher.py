"""The launcher's cluster: every process ready and registered in Redis, and the
failure handles tests rely on (kill -9, SIGTERM, restart, Redis restart)."""

from cluster import ctl, pid_alive, wait_for

SERVICE_ROLES = ("storage", "router", "c2s", "bosh-gateway")


def node_ids(cluster):
    return set(cluster.redis("SMEMBERS", cluster.key("nodes")))


def node_record(cluster, node_id):
    fields = cluster.redis("HGETALL", cluster.key(f"node:{{{node_id}}}"))
    return dict(zip(fields[0::2], fields[1::2]))


def test_every_process_is_ready_and_registered(cluster):
    services = [p for p in cluster.processes() if p["role"] in SERVICE_ROLES]
    assert {p["role"] for p in services} == set(SERVICE_ROLES)
    assert len(cluster.processes("router")) == 2
    for process in services:
        assert cluster.admin(process, "/ready") == (200, "ready\n"), process
        record = node_record(cluster, process["node_id"])
        assert record["role"] == process["role"]
        assert process["node_id"] in node_ids(cluster)
    # Each process has its own loopback address.
    hosts = [p["host"] for p in cluster.processes()]
    assert len(hosts) == len(set(hosts))
    # Every member runs the same cluster-wide settings (docs/clustering.md).
    hashes = {node_record(cluster, p["node_id"])["settings_hash"] for p in services}
    assert len(hashes) == 1, hashes
    assert "drift:" not in ctl(cluster, "nodes", "list").stdout


def test_cluster_json_describes_the_cluster(cluster):
    state = cluster.state
    assert state["domain"] == "localhost"
    assert state["redis"]["host"].startswith(cluster.net + ".")
    for process in state["processes"]:
        assert process["pid"] and pid_alive(process["pid"])
        assert process["host"].startswith(cluster.net + ".")
    c2s = cluster.process("c2s", 0)
    assert (c2s["port"], c2s["tls_port"]) == (5222, 5223)
    assert cluster.process("nginx", 0)["bosh_url"].endswith("/xmpp")


def test_kill_9_leaves_the_node_to_expire_and_start_brings_it_back(cluster):
    router = cluster.process("router", 1)
    key = cluster.key(f"node:{{{router['node_id']}}}")
    pid = cluster.kill("router", 1)
    assert not pid_alive(pid)
    # A dead node's record outlives it until its TTL (heartbeat.ttl_ms, 5 s) runs out.
    assert cluster.redis("EXISTS", key) == ["1"]
    wait_for(lambda: cluster.redis("EXISTS", key) == ["0"], timeout=8, what="the dead router's node key to expire")
    new_pid = cluster.start("router", 1)
    assert new_pid != pid and pid_alive(new_pid)
    assert cluster.redis("EXISTS", key) == ["1"]


def test_sigterm_deregisters_at_once_and_exits_cleanly(cluster):
    gateway = cluster.process("bosh-gateway", 1)
    pid = cluster.kill("bosh-gateway", 1, signal="TERM")
    assert not pid_alive(pid)
    assert gateway["node_id"] not in node_ids(cluster)
    with open(gateway["log"]) as log:
        lines = log.read().splitlines()
    assert any("msg=stopped" in line for line in lines[-5:]), lines[-5:]
    cluster.start("bosh-gateway", 1)
    assert gateway["node_id"] in node_ids(cluster)


def test_every_service_reregisters_after_a_redis_restart(cluster):
    pids = {p["node_id"]: p["pid"] for p in cluster.processes() if p["role"] in SERVICE_ROLES}
    cluster.kill("redis", 0)
    cluster.start("redis", 0)
    # Redis lost nothing it had persisted, but the services must still find it
    # again and keep their records fresh; wipe them to prove they re-register.
    cluster.redis("DEL", cluster.key("nodes"), *[cluster.key(f"node:{{{n}}}") for n in pids])
    wait_for(lambda: node_ids(cluster) == set(pids), timeout=10, what="every node to re-register")
    for process in cluster.processes():
        if process["role"] in SERVICE_ROLES:
            assert process["pid"] == pids[process["node_id"]] and pid_alive(process["pid"])
            wait_for(lambda: cluster.admin(process, "/ready")[0] == 200, timeout=10, what=f"{process['node_id']} ready")


def test_online_backup_while_storage_runs(cluster):
    import os
    import subprocess
    import tempfile
    from cluster import new_account

    jid, _ = new_account(cluster, "backup")
    database = os.path.join(cluster.run_dir, "data", "trellis.sqlite")
    with tempfile.TemporaryDirectory() as directory:
        copy = os.path.join(directory, "copy.sqlite")
        subprocess.run(["sqlite3", database, f".backup '{copy}'"], check=True, timeout=30)
        check = subprocess.run(["sqlite3", copy, "PRAGMA integrity_check"], check=True, stdout=subprocess.PIPE, text=True)
        assert check.stdout.strip() == "ok"
        users = subprocess.run(["sqlite3", copy, "SELECT user FROM accounts"], check=True, stdout=subprocess.PIPE, text=True)
        assert jid in users.stdout.split()


def test_metrics_count_the_traffic(cluster):
    import asyncio
    from cluster import new_account
    from xmpp import logged_in

    jid, pw = new_account(cluster, "metrics")

    async def chat():
        client = await logged_in(cluster, jid, pw)
        client.send_message(mto=jid, mbody="to myself", mtype="chat")
        await client.next_message(body="to myself")
        await client.close()

    asyncio.run(asyncio.wait_for(chat(), 30))
    _, c2s = cluster.admin(cluster.process("c2s", 0), "/metrics")
    assert 'xmpp_stanzas_in{kind="message"}' in c2s and "xmpp_stanzas_out" in c2s
    assert 'xmpp_sasl{outcome="success"}' in c2s
    routers = "".join(cluster.admin(p, "/metrics")[1] for p in cluster.processes("router"))
    assert "router_entries" in routers and "router_partitions" in routers
