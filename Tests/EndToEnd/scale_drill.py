"""The scale drill (issue 14, docs/clustering.md "At 24 processes"): users
logged in across every c2s node (TCP, SCRAM-SHA-1) and every BOSH gateway
(BOSH through nginx, pinned by the vroute cookie), numbered message streams
between users on different nodes while one router is killed with -9, then one
c2s node killed to watch the sweeper. It asserts nothing itself: `run_drill`
returns what it counted and measured, the tests assert and print.

Everything is bounded: logins, sending (a fixed count at a fixed rate), the
drain (stops after `drain_seconds` without progress) and every poll."""

import asyncio
import datetime
import json
import os
import re
import signal
import subprocess
import time

from cluster import ROOT
from raw_bosh_client import RawBoshClient
from raw_tcp_client import RawTcpClient, local
from resp_client import RespClient

PASSWORD = "drill-password"
# The shape: with redis, storage and nginx, 24 processes.
SHAPE = {"routers": 7, "c2s": 6, "bosh": 8}
# The drill's TCP clients speak SCRAM without TLS, so the client process spends
# its CPU on messages, not on 400 TLS sessions.
SETTINGS = {"TRELLIS_LAUNCH_TLS_REQUIRED": "false"}


def check_drill(figures):
    """The drill's promises: 24 processes, every login, every node used, nothing lost, duplicated or reordered."""
    assert figures["processes"] == 24, figures["processes"]
    assert figures["login_failures"] == [], figures["login_failures"][:5]
    assert figures["misplaced"] == [], figures["misplaced"][:5]
    assert figures["nodes_without_sessions"] == []
    assert figures["sent"] == figures["messages"]
    assert (figures["lost"], figures["duplicated"], figures["reordered"]) == (0, 0, 0), figures
    assert figures["message_errors"] == 0 and figures["unexpected"] == 0 and figures["bosh_errors"] == []
    assert figures["nodes_without_traffic"] == []
    takeover = figures["takeover"]
    assert takeover["partitions"] > 0 and takeover["claimed_after_seconds"] is not None, takeover
    assert takeover["router"] not in takeover["new_owners"]
    sweep = figures["sweep"]
    assert sweep["sessions"] > 0 and sweep["registry_empty_after_seconds"] is not None, sweep




def fnv1a_partition(bare, partitions):
    """RoutePartitioning: FNV-1a-32 over the bare JID's UTF-8 bytes, mod P."""
    value = 0x811C9DC5
    for byte in bare.encode():
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value % partitions


class Endpoint:
    """Where one user logs in: a c2s node directly, or a gateway through nginx."""

    def __init__(self, role, process, nginx=None):
        self.role, self.process, self.nginx = role, process, nginx
        self.node_id = process["node_id"]

    def client(self, domain, user):
        if self.role == "c2s":
            return RawTcpClient(self.process["host"], self.process["port"], domain, user, PASSWORD)
        return RawBoshClient(self.nginx["host"], self.nginx["port"], "/xmpp", domain, user, PASSWORD,
                             vroute=self.process["vroute"])


class Stream:
    """Numbered messages from one sender to one recipient on another node."""

    def __init__(self, sender, recipient):
        self.sender, self.recipient = sender, recipient
        self.sent = 0
        self.received = []  # (seq, arrival monotonic time)


class RedisSnapshot:
    def __init__(self, redis, prefix):
        memory = redis.info("memory")
        self.used_memory = int(memory["used_memory"])
        self.keys = int(redis.send("DBSIZE"))
        self.calls = redis.command_calls()
        self.at = time.monotonic()
        self.kinds = {}
        cursor = "0"
        while True:
            cursor, batch = redis.send("SCAN", cursor, "COUNT", 1000)
            for key in batch:
                name = key[len(prefix):] if key.startswith(prefix) else key
                kind = name.split("{", 1)[0].rstrip(":") or name
                self.kinds[kind] = self.kinds.get(kind, 0) + 1
            if cursor == "0":
                break

    def total_calls(self):
        return sum(calls for calls, _ in self.calls.values())

    def calls_since(self, earlier, command=None):
        if command is not None:
            return self.calls.get(command, (0, 0))[0] - earlier.calls.get(command, (0, 0))[0]
        return self.total_calls() - earlier.total_calls()


def provision(cluster, users):
    """Accounts drill0… through storage, many at once (trellis-bench provision-trellis)."""
    state = cluster.state
    bench = os.path.join(ROOT, ".build", state["build"], "trellis-bench")
    command = [bench, "provision-trellis", "--redis-host", state["redis"]["host"],
               "--redis-port", str(state["redis"]["port"]), "--prefix", state["redis"]["prefix"],
               "--domain", state["domain"], "--password", PASSWORD, "--users", str(users), "--user-prefix", "drill",
               "--roster-users", "0", "--concurrency", "8"]
    # Accounts are created only if missing, so a run cut short by a storage
    # timeout on a busy machine is simply repeated (three times at most).
    for attempt in range(3):
        result = subprocess.run(command, timeout=900, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if result.returncode == 0:
            return [f"drill{i}" for i in range(users)]
    raise RuntimeError(f"provision-trellis failed three times: {result.stdout[-500:]}")


def endpoints_of(cluster):
    nginx = cluster.process("nginx", 0)
    return ([Endpoint("c2s", p) for p in cluster.processes("c2s")]
            + [Endpoint("bosh", p, nginx) for p in cluster.processes("bosh-gateway")])


def plan_streams(count, placement, recipients):
    """Each user sends to `recipients` users on other nodes (the next ones round the ring, skipping its own node)."""
    streams = []
    for sender in range(count):
        chosen = []
        candidate = sender
        for _ in range(recipients):
            candidate = (candidate + 1) % count
            while placement[candidate].node_id == placement[sender].node_id or candidate in chosen:
                candidate = (candidate + 1) % count
            chosen.append(candidate)
        streams.extend(Stream(sender, recipient) for recipient in chosen)
    return streams


def lease_owners(redis, prefix, partitions):
    return redis.pipeline([("GET", f"{prefix}lease:route:{{{p}}}") for p in range(partitions)])


def partition_count(redis, prefix):
    for node in redis.send("SMEMBERS", prefix + "nodes"):
        settings = redis.send("HGET", f"{prefix}node:{{{node}}}", "settings") or ""
        for item in settings.split(";"):
            if item.startswith("router.partitions="):
                return int(item.split("=", 1)[1])
    return 32


def longest_gap(times, start, end):
    """The longest time without an arrival within [start, end] (start and end count as arrivals)."""
    points = [start] + sorted(t for t in times if start < t < end) + [end]
    gaps = [(b - a, a, b) for a, b in zip(points, points[1:])]
    return max(gaps) if gaps else (0.0, start, end)


async def _login_all(clients, concurrency):
    limit = asyncio.Semaphore(concurrency)
    failures = []

    async def one(client):
        async with limit:
            try:
                await client.login()
            except Exception as error:  # noqa: BLE001 - a failed login is a figure, the test asserts on it
                failures.append(f"{client.bare} ({client.kind}): {error!r}")

    await asyncio.gather(*(one(c) for c in clients))
    return failures


async def run_drill(cluster, users=1000, messages_per_stream=10, recipients=2, rate=600.0, kill_router=0,
                    kill_c2s=True, login_concurrency=40, drain_seconds=20.0, log=print):
    """Runs the drill on a launched cluster; returns a dict of counts and figures."""
    state = cluster.state
    domain, prefix = state["domain"], state["redis"]["prefix"]
    redis = RespClient(state["redis"]["host"], state["redis"]["port"])
    figures = {"users": users, "processes": sum(1 for p in cluster.processes() if p["pid"])}
    clients = []
    try:
        started = time.monotonic()
        names = await asyncio.to_thread(provision, cluster, users)
        figures["provision_seconds"] = time.monotonic() - started
        endpoints = endpoints_of(cluster)
        placement = [endpoints[i % len(endpoints)] for i in range(users)]
        partitions = partition_count(redis, prefix)
        figures["partitions"] = partitions

        # MARK: registry cost — Redis before and after every login
        await asyncio.sleep(1.0)
        idle_start = RedisSnapshot(redis, prefix)
        await asyncio.sleep(3.0)
        before = RedisSnapshot(redis, prefix)
        background_per_second = before.calls_since(idle_start) / (before.at - idle_start.at)
        idle_rates = {c: before.calls_since(idle_start, c) / (before.at - idle_start.at) for c in before.calls}
        figures["idle_commands_per_second_by_command"] = {
            c: round(r, 1) for c, r in sorted(idle_rates.items(), key=lambda item: -item[1]) if r >= 1}
        figures["usec_per_call"] = {c: before.calls[c][1] / max(1, before.calls[c][0])
                                    for c in ("smembers", "exists", "evalsha", "xadd", "hgetall") if c in before.calls}
        clients = [placement[i].client(domain, names[i]) for i in range(users)]
        started = time.monotonic()
        failures = await _login_all(clients, login_concurrency)
        figures["login_seconds"] = time.monotonic() - started
        figures["login_failures"] = failures
        if failures:
            return figures
        await asyncio.sleep(0.5)
        after = RedisSnapshot(redis, prefix)
        figures["redis_bytes_per_session"] = (after.used_memory - before.used_memory) / users
        figures["keys_per_session"] = (after.keys - before.keys) / users
        figures["new_keys_by_kind"] = {k: after.kinds.get(k, 0) - before.kinds.get(k, 0)
                                       for k in after.kinds if after.kinds.get(k, 0) != before.kinds.get(k, 0)}
        # Net of what the cluster does anyway (heartbeats, leases, the sweeper,
        # backpressure checks), per command, at the idle window's rates.
        elapsed = after.at - before.at
        idle_seconds = before.at - idle_start.at
        per_command = {}
        for command in after.calls:
            net = after.calls_since(before, command) - before.calls_since(idle_start, command) / idle_seconds * elapsed
            if net / users >= 0.05:
                per_command[command] = round(net / users, 2)
        figures["redis_commands_per_login"] = round(sum(per_command.values()), 1)
        figures["redis_commands_per_login_by_command"] = per_command
        figures["background_commands_per_second"] = background_per_second

        # MARK: every session where its endpoint says, every node with sessions
        records = redis.pipeline([("HGETALL", f"{prefix}sessions:{{{c.bare}}}") for c in clients])
        misplaced = []
        per_node = {}
        for client, endpoint, record in zip(clients, placement, records):
            nodes = [json.loads(v)["node"] for v in record[1::2]]
            per_node[endpoint.node_id] = per_node.get(endpoint.node_id, 0) + 1
            if nodes != [endpoint.node_id] or (client.kind == "bosh" and client.cookie_set != endpoint.process["vroute"]):
                misplaced.append((client.bare, endpoint.node_id, nodes, getattr(client, "cookie_set", None)))
        figures["sessions_per_node"] = per_node
        figures["misplaced"] = misplaced
        figures["nodes_without_sessions"] = [e.node_id for e in endpoints if per_node.get(e.node_id, 0) == 0]

        # MARK: the message streams
        streams = plan_streams(users, placement, recipients)
        by_pair = {(s.sender, s.recipient): s for s in streams}
        index_of = {c.bare: i for i, c in enumerate(clients)}
        errors = []
        unexpected = []

        def receiver(recipient_index):
            def on_stanza(element):
                if local(element.tag) != "message":
                    return
                if element.get("type") == "error":
                    errors.append(element.get("to"))
                    return
                body = next((c.text for c in element if local(c.tag) == "body"), None)
                sender = index_of.get((element.get("from") or "").split("/")[0])
                stream = by_pair.get((sender, recipient_index))
                if stream is None or not body:
                    unexpected.append(body)
                    return
                stream.received.append((int(body.split()[1]), time.monotonic()))
            return on_stanza

        bosh_errors = []
        for index, client in enumerate(clients):
            client.on_stanza = receiver(index)
            if client.kind == "bosh":
                client.on_error = bosh_errors.append
        total = len(streams) * messages_per_stream
        figures.update(streams=len(streams), messages=total, rate=rate)
        owners_before = lease_owners(redis, prefix, partitions)
        killed = {"at": None, "node": None, "partitions": []}

        async def kill_one_router():
            victim = cluster.process("router", kill_router)
            killed["node"] = victim["node_id"]
            killed["partitions"] = [p for p, owner in enumerate(lease_owners(redis, prefix, partitions))
                                    if owner == victim["node_id"]]
            killed["at"] = time.monotonic()
            os.kill(victim["pid"], signal.SIGKILL)
            await asyncio.to_thread(cluster.kill, "router", kill_router)  # the launcher notes it is gone
            # Until every partition it held has a live owner (a lease taken by another router).
            poll = RespClient(state["redis"]["host"], state["redis"]["port"])
            try:
                deadline = killed["at"] + 60
                while time.monotonic() < deadline:
                    owners = lease_owners(poll, prefix, partitions)
                    if all(owners[p] not in (None, killed["node"]) for p in killed["partitions"]):
                        killed["claimed_after"] = time.monotonic() - killed["at"]
                        killed["new_owners"] = sorted({owners[p] for p in killed["partitions"]})
                        return
                    await asyncio.sleep(0.05)
            finally:
                poll.close()

        sending_started = time.monotonic()
        kill_task = None
        sent = 0
        for seq in range(messages_per_stream):
            for stream in streams:
                client = clients[stream.sender]
                client.send(f"<message xmlns='jabber:client' to='{clients[stream.recipient].full_jid}' type='chat' "
                            f"id='d{stream.recipient}-{seq}'><body>{stream.sender} {seq}</body></message>")
                stream.sent += 1
                sent += 1
                if sent % 50 == 0:
                    ahead = sending_started + sent / rate - time.monotonic()
                    await asyncio.sleep(max(0.0, ahead))
                if kill_router is not None and kill_task is None and sent >= total // 3:
                    kill_task = asyncio.get_running_loop().create_task(kill_one_router())
        sending_ended = time.monotonic()
        figures["send_seconds"] = sending_ended - sending_started

        # MARK: drain, bounded: until everything arrived or no progress for drain_seconds
        last_count, last_progress = -1, time.monotonic()
        while True:
            count = sum(len(s.received) for s in streams)
            if count != last_count:
                last_count, last_progress = count, time.monotonic()
            if count >= total or time.monotonic() - last_progress > drain_seconds:
                break
            await asyncio.sleep(0.1)
        figures["delivered_seconds"] = time.monotonic() - sending_started
        if kill_task is not None:
            await asyncio.wait_for(kill_task, 70)

        # MARK: counting
        lost = duplicated = reordered = 0
        for stream in streams:
            seqs = [seq for seq, _ in stream.received]
            unique = set(seqs)
            duplicated += len(seqs) - len(unique)
            lost += stream.sent - len(unique & set(range(stream.sent)))
            highest = -1
            seen = set()
            for seq in seqs:
                if seq in seen:
                    continue
                seen.add(seq)
                if seq < highest:
                    reordered += 1
                highest = max(highest, seq)
        figures.update(sent=sum(s.sent for s in streams), received=sum(len(s.received) for s in streams), lost=lost,
                       duplicated=duplicated, reordered=reordered, message_errors=len(errors),
                       unexpected=len(unexpected), bosh_errors=[repr(e) for e in bosh_errors[:5]])
        carried = {}
        for stream in streams:
            for index in (stream.sender, stream.recipient):
                node = placement[index].node_id
                carried[node] = carried.get(node, 0) + len(stream.received)
        figures["messages_per_node"] = carried
        figures["nodes_without_traffic"] = [e.node_id for e in endpoints if carried.get(e.node_id, 0) == 0]

        # MARK: the lease takeover, seen in delivery
        if killed["at"] is not None:
            arrivals = {}
            for stream in streams:
                p = fnv1a_partition(clients[stream.sender].bare, partitions)
                arrivals.setdefault(p, []).extend(t for _, t in stream.received)
            end = min(killed["at"] + 30, sending_ended)
            affected = [longest_gap(arrivals.get(p, []), killed["at"] - 1, end) for p in killed["partitions"]]
            others = [longest_gap(arrivals.get(p, []), killed["at"] - 1, end)
                      for p in range(partitions) if p not in killed["partitions"] and arrivals.get(p)]
            figures["takeover"] = {
                "router": killed["node"], "partitions": len(killed["partitions"]),
                "claimed_after_seconds": killed.get("claimed_after"), "new_owners": killed.get("new_owners"),
                "owners_before": sorted({o for o in owners_before if o}),
                "longest_pause_affected_seconds": max((g[0] for g in affected), default=None),
                # The end of each affected partition's longest pause, from the kill: delivery resumed.
                "resumed_after_kill_seconds": max((g[2] - killed["at"] for g in affected), default=None),
                "longest_pause_other_partitions_seconds": max((g[0] for g in others), default=None),
            }

        # MARK: the sweeper, after one c2s node dies with its sessions
        if kill_c2s:
            figures["sweep"] = await _sweep_drill(cluster, redis, prefix, placement, log)
        return figures
    finally:
        await asyncio.gather(*(asyncio.wait_for(c.close(), 10) for c in clients), return_exceptions=True)
        redis.close()


async def _sweep_drill(cluster, redis, prefix, placement, log):
    victim = cluster.processes("c2s")[-1]
    node = victim["node_id"]
    sessions = int(redis.send("SCARD", f"{prefix}node:{{{node}}}:sessions"))
    await asyncio.sleep(2.0)
    quiet = RedisSnapshot(redis, prefix)
    await asyncio.sleep(3.0)
    before = RedisSnapshot(redis, prefix)
    killed_at = time.monotonic()
    os.kill(victim["pid"], signal.SIGKILL)
    await asyncio.to_thread(cluster.kill, "c2s", victim["index"])  # the launcher notes it is gone
    gone_after = None
    deadline = killed_at + 60
    while time.monotonic() < deadline:
        if not redis.send("SISMEMBER", f"{prefix}nodes", node) and not redis.send("EXISTS", f"{prefix}node:{{{node}}}:sessions"):
            gone_after = time.monotonic() - killed_at
            break
        await asyncio.sleep(0.05)
    after = RedisSnapshot(redis, prefix)
    # The sweeping router's two log lines give the sweep's own duration.
    began = ended = sweeper = None
    for router in cluster.processes("router"):
        try:
            with open(router["log"], errors="replace") as file:
                for line in file:
                    if f"dead.node={node}" not in line:
                        continue
                    stamp = re.search(r"ts=(\S+)", line)
                    if "sweeping a dead node" in line and stamp:
                        began, sweeper = stamp.group(1), router["node_id"]
                    if "swept a dead node" in line and stamp:
                        ended = stamp.group(1)
        except OSError:
            pass
    seconds = None
    if began and ended:
        seconds = (datetime.datetime.fromisoformat(ended.replace("Z", "+00:00"))
                   - datetime.datetime.fromisoformat(began.replace("Z", "+00:00"))).total_seconds()
    # Per command, net of the idle rates (the sweep's Lua scripts count as one EVALSHA each).
    elapsed, quiet_seconds = after.at - before.at, before.at - quiet.at
    net = {}
    for command in after.calls:
        value = after.calls_since(before, command) - before.calls_since(quiet, command) / quiet_seconds * elapsed
        if value >= max(1, sessions) / 4:
            net[command] = round(value)
    return {
        "node": node, "sessions": sessions, "registry_empty_after_seconds": gone_after, "sweeper": sweeper,
        "sweep_seconds": seconds, "redis_commands_net_by_command": net,
    }


def print_figures(figures, label):
    """Every figure as JSON, then the lines docs/clustering.md quotes."""
    print(f"\n[{label}] {json.dumps(figures, indent=1, sort_keys=True, default=str)}")
    f = figures
    lines = [
        f"{f['processes']} processes; {f['users']} users: accounts {f['provision_seconds']:.1f} s, "
        f"logins {f.get('login_seconds', 0):.1f} s, failures {len(f['login_failures'])}",
    ]
    if "sessions_per_node" in f:
        counts = sorted(f["sessions_per_node"].values())
        lines.append(f"sessions per node {counts[0]}–{counts[-1]} on {len(counts)} gateways; "
                     f"registry {f['redis_bytes_per_session']:.0f} B and {f['keys_per_session']:.2f} keys per session, "
                     f"{f['redis_commands_per_login']} Redis commands per login; idle Redis "
                     f"{f['background_commands_per_second']:.0f} commands/s")
    if "sent" in f:
        lines.append(f"messages: {f['sent']} sent over {f['send_seconds']:.1f} s, {f['received']} received; lost "
                     f"{f['lost']}, duplicated {f['duplicated']}, reordered {f['reordered']}, errors {f['message_errors']}")
    if "takeover" in f:
        t = f["takeover"]
        lines.append(f"router kill -9 ({t['router']}, {t['partitions']} partitions): leases taken after "
                     f"{t['claimed_after_seconds']:.1f} s, delivery resumed {t['resumed_after_kill_seconds']:.1f} s "
                     f"after the kill (longest pause {t['longest_pause_affected_seconds']:.1f} s; other partitions "
                     f"{t['longest_pause_other_partitions_seconds']:.1f} s)")
    if "sweep" in f:
        w = f["sweep"]
        lines.append(f"c2s kill -9 ({w['node']}, {w['sessions']} sessions): registry empty after "
                     f"{w['registry_empty_after_seconds']:.1f} s; the sweep itself {w['sweep_seconds']} s; "
                     f"Redis commands {w['redis_commands_net_by_command']}")
    print("\n".join(f"[{label}] {line}" for line in lines))
