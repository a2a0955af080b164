"""The hostile-input soak (issue #14): many connections of bad clients against
the c2s nodes of a cluster while a numbered message stream runs between
well-behaved users. Run by `scripts/soak` (the long one, docs/operations.md,
"Hostile input soak") and by Tests/EndToEnd/test_soak.py (a small one in CI).

Every hostile connection is one of KINDS, opened at an even pace over the
soak, each against the next c2s node in turn, and each bounded in time:

  garbage       a stream header, then broken markup            -> not-well-formed
  random_bytes  random bytes instead of a stream               -> unsupported-encoding / not-well-formed
  entity        a DTD, an entity, a comment or a PI            -> restricted-xml
  oversize      a stanza over max_stanza_size, or too deep     -> policy-violation
  bad_sasl      SCRAM-SHA-1 with a wrong proof, until refused  -> SASL not-authorized x3, then policy-violation
                                                               (connection-timeout if the handshake timeout
                                                               runs out first)
  no_header     connects and never sends a byte                -> connection-timeout (after our header)
  silent        a stream header, then silence                  -> connection-timeout
  slow_reader   logs in, asks for its vCard again and again,
                never reads                                    -> disconnected (no stream error: it does not read)
  half_open     logs in, then vanishes without a FIN (its
                packets dropped), while messages are sent to it -> disconnected (server side)

The stream must lose and reorder nothing, every hostile connection must get
its answer and be disconnected, and the c2s processes' RSS and open file
descriptors must stay bounded and come back near their baseline."""

import asyncio
import os
import random
import re
import resource
import uuid

from soak_client import Closed, connect
from soak_server import ServerSockets, cpu_seconds, open_fds, proc_status
from soak_vanisher import Vanisher

KINDS = ["garbage", "random_bytes", "entity", "oversize", "bad_sasl", "no_header", "silent", "slow_reader", "half_open"]
# The stream errors each kind may get; None: no stream error is required
# (the client does not read, or cannot: it is gone).
EXPECTED = {
    "garbage": {"not-well-formed"},
    "random_bytes": {"unsupported-encoding", "not-well-formed"},
    "entity": {"restricted-xml"},
    "oversize": {"policy-violation"},
    # connection-timeout: the handshake timeout ran out before the third
    # failure (each waits on a storage look-up; seen on a starved machine).
    "bad_sasl": {"policy-violation", "connection-timeout"},
    "no_header": {"connection-timeout"},
    "silent": {"connection-timeout"},
    "slow_reader": None,
    "half_open": None,
}
PASSWORD = "soak-pass"
VCARD_BYTES = 16 * 1024
VCARD_REQUESTS = 4
STREAM_PAIRS = 4
# How far a c2s RSS may grow over its baseline at the peak, and stay above it
# afterwards (glibc keeps some freed memory in its arenas); measured figures
# are in docs/operations.md.
RSS_GROWTH_MB = 512
FINAL_GROWTH_MB = 128


def cluster_settings(fast):
    """TRELLIS_LAUNCH_* for the soak's cluster. `fast` (CI) shortens the
    timeouts so the silent kinds end within seconds; otherwise the defaults
    stand except where noted in docs/operations.md."""
    settings = {
        # Plain TCP: the bad clients' bytes reach the same parser as under TLS,
        # and 10,000 TLS handshakes would measure the generator.
        "TRELLIS_LAUNCH_TLS_REQUIRED": "false",
        # Slow readers and half-open peers share a few accounts.
        "TRELLIS_LAUNCH_MAX_RESOURCES_PER_ACCOUNT": "1000",
        "TRELLIS_LAUNCH_C2S_SEND_TIMEOUT_SECONDS": "10",
        "TRELLIS_LAUNCH_C2S_IDLE_TIMEOUT_SECONDS": "60",
    }
    if fast:
        settings.update({
            "TRELLIS_LAUNCH_C2S_HANDSHAKE_TIMEOUT_SECONDS": "5",
            "TRELLIS_LAUNCH_C2S_IDLE_TIMEOUT_SECONDS": "15",
            "TRELLIS_LAUNCH_C2S_SEND_TIMEOUT_SECONDS": "5",
        })
    return settings


def raise_fd_limit():
    """The soak holds thousands of sockets; the cluster's processes inherit the limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def percentile(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


# MARK: the soak


class Soak:
    def __init__(self, cluster, connections, seconds, fast=False, seed=None, kinds=None, rounds=1):
        """`connections` over `seconds`, `rounds` times one after the other on the same cluster."""
        self.kinds = kinds or KINDS
        self.rounds = rounds
        self.cluster = cluster
        self.domain = cluster.state["domain"]
        self.connections = connections
        self.seconds = seconds
        self.fast = fast
        self.random = random.Random(seed)
        net = cluster.net
        # Bad clients connect from addresses of the cluster's own network,
        # above the launcher's (.1-.89); half-open peers from one of their own,
        # so the drop rule can only ever match them.
        self.sources = [f"{net}.{200 + i}" for i in range(8)]
        self.half_open_source = f"{net}.250"
        self.c2s = cluster.processes("c2s")
        self.handshake_timeout = 5 if fast else 30
        self.idle_timeout = 15 if fast else 60
        self.send_timeout = 5 if fast else 10
        self.results = []
        self.stream = {"sent": 0, "received": 0, "lost": 0, "out_of_order": 0, "duplicates": 0, "latencies": [],
                       "timeline": []}
        self.samples = {}
        self.fds = {}

    # MARK: accounts

    def prepare(self):
        """Stream users, a feeder, and the accounts slow readers and half-open
        peers log in as, each with a vCard of VCARD_BYTES."""
        run = uuid.uuid4().hex[:6]
        self.stream_users = [f"soak{run}s{i}" for i in range(2 * STREAM_PAIRS)]
        self.pool = [f"soak{run}p{i}" for i in range(8)]
        self.feeder = f"soak{run}feeder"
        for user in self.stream_users + self.pool + [self.feeder]:
            self.cluster.ctl("user", "add", f"{user}@{self.domain}", "--password", PASSWORD)
        note = "x" * VCARD_BYTES
        vcard = f"<vCard xmlns='vcard-temp'><FN>soak</FN><NOTE>{note}</NOTE></vCard>"
        for user in self.pool:
            self.cluster.ctl("vcard", "import", f"{user}@{self.domain}", "-", input=vcard)

    def c2s_for(self, index):
        process = self.c2s[index % len(self.c2s)]
        return process["host"], process["port"]

    # MARK: sampling

    async def sample(self, stop):
        processes = [p for p in self.cluster.processes() if p.get("pid")]
        for process in processes:
            self.samples[f"{process['role']}-{process['index']}"] = {"pid": process["pid"], "rss": [], "cpu": []}
        for process in self.c2s:
            self.fds[process["node_id"]] = {"pid": process["pid"], "counts": []}
        while not stop.is_set():
            for sample in self.samples.values():
                sample["rss"].append(proc_status(sample["pid"], "VmRSS") / 1024)
                sample["cpu"].append(cpu_seconds(sample["pid"]))
            for sample in self.fds.values():
                sample["counts"].append(open_fds(sample["pid"]))
            self.sockets.refresh()
            try:
                await asyncio.wait_for(stop.wait(), 0.5)
            except asyncio.TimeoutError:
                pass

    def mark(self, name):
        """Records the index of the current sample under `name` (baseline, peak window end)."""
        for sample in list(self.samples.values()) + list(self.fds.values()):
            key = "rss" if "rss" in sample else "counts"
            sample[name] = len(sample[key])

    # MARK: the well-behaved stream

    async def run_stream(self, stop, rate_per_pair=10):
        """Numbered messages from each sender to its partner on the next c2s node."""
        pairs = []
        for i in range(STREAM_PAIRS):
            sender, receiver = self.stream_users[2 * i], self.stream_users[2 * i + 1]
            a = await connect(*self.c2s_for(i))
            b = await connect(*self.c2s_for(i + 1))
            await a.login(sender, PASSWORD, self.domain, "stream")
            to = await b.login(receiver, PASSWORD, self.domain, "stream")
            a.send("<presence/>")
            b.send("<presence/>")
            pairs.append((a, b, to))
        self.stream_ready.set()
        loop = asyncio.get_running_loop()
        sent_times = {}
        body = re.compile(r"<body>soak (\d+):(\d+)</body>")

        async def receive(pair_index, b):
            position = 0
            expected = 0
            seen = set()
            while not (stop.is_set() and len(seen) >= self.sent[pair_index]) and not b.eof:
                self.received_per_pair[pair_index] = len(seen)
                try:
                    await b.read_some(1)
                except asyncio.TimeoutError:
                    pass
                for match in body.finditer(b.received, position):
                    position = match.end()
                    seq = int(match.group(2))
                    now = loop.time()
                    if seq in seen:
                        self.stream["duplicates"] += 1
                        continue
                    if seq != expected:
                        self.stream["out_of_order"] += 1
                    expected = seq + 1
                    seen.add(seq)
                    self.stream["received"] += 1
                    self.stream["latencies"].append(now - sent_times[(pair_index, seq)])
                    self.stream["timeline"].append((sent_times[(pair_index, seq)] - self.t0, now - sent_times[(pair_index, seq)]))
                # Keep only what is not yet scanned.
                b.received = b.received[position:]
                position = 0
            self.received_per_pair[pair_index] = len(seen)

        async def keepalive(connection):
            """A whitespace now and then: receivers send nothing else, and c2s closes silent streams."""
            while not stop.is_set():
                connection.send(" ")
                try:
                    await asyncio.wait_for(stop.wait(), 5)
                except asyncio.TimeoutError:
                    pass

        async def drain(connection):
            """Senders read (and drop) what comes to them, so they are no slow readers."""
            while not connection.eof and not stop.is_set():
                try:
                    await connection.read_some(1)
                except asyncio.TimeoutError:
                    pass
                connection.received = ""

        async def send(pair_index, a, to):
            seq = 0
            while not self.stop_sending.is_set():
                sent_times[(pair_index, seq)] = loop.time()
                a.send(f"<message to='{to}' type='chat' id='m{seq}'><body>soak {pair_index}:{seq}</body></message>")
                seq += 1
                self.sent[pair_index] = seq
                self.stream["sent"] += 1
                await asyncio.sleep(1 / rate_per_pair)

        self.sent = [0] * len(pairs)
        self.received_per_pair = [0] * len(pairs)
        tasks = []
        for index, (a, b, to) in enumerate(pairs):
            tasks += [send(index, a, to), receive(index, b), keepalive(b), drain(a)]
        try:
            await asyncio.gather(*tasks)
        finally:
            for a, b, _ in pairs:
                a.close()
                b.close()

    # MARK: bad clients

    def source(self, index):
        return self.sources[index % len(self.sources)]

    async def hostile(self, index, kind):
        host, port = self.c2s_for(index)
        result = {"kind": kind, "connected": False, "error": None, "closed": False, "sasl_failures": 0, "note": None}
        self.results.append(result)
        source = self.half_open_source if kind == "half_open" else self.source(index)
        receive_buffer = 4096 if kind in ("slow_reader", "half_open") else None
        try:
            connection = await connect(host, port, source=source, receive_buffer=receive_buffer)
        except (OSError, asyncio.TimeoutError) as error:
            result["note"] = f"connect: {error!r}"
            return
        result["connected"] = True
        limit = self.handshake_timeout + 20
        try:
            await getattr(self, "_" + kind)(index, connection, result, limit)
        except (Closed, asyncio.TimeoutError, OSError, RuntimeError, AttributeError) as error:
            result["note"] = f"{type(error).__name__}: {str(error)[:200]}"
            result["closed"] = connection.eof
            result["error"] = connection.stream_error()
        finally:
            result["login_retries"] = connection.login_retries
            connection.close()

    async def _finish(self, connection, result, limit):
        result["closed"] = await connection.read_to_end(limit)
        result["error"] = connection.stream_error()
        result["sasl_failures"] = len(connection.sasl_failures())
        # RFC 6120 §4.9.1.2: our stream header comes first, even when the client never sent one.
        error_at = connection.received.find("<stream:error>")
        result["header_first"] = 0 <= connection.received.find("<stream:stream ") < error_at

    async def _garbage(self, index, connection, result, limit):
        word = "".join(self.random.choice("abcdefghij") for _ in range(self.random.randint(1, 12)))
        broken = self.random.choice([
            f"<message><body>{word}</message>",
            f"<{word}></{word}x>",
            f"<message to='a' to='b'><body>{word}</body></message>",
            f"<{word}:x xmlns='jabber:client'/>",
            f"<message><body>{word}<</body></message>",
            f"<iq type='get' id='{word}><query/></iq>",
        ])
        connection.send(f"<?xml version='1.0'?><stream:stream to='{self.domain}' xmlns='jabber:client' "
                        "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>" + broken)
        await self._finish(connection, result, limit)

    async def _random_bytes(self, index, connection, result, limit):
        connection.send(self.random.randbytes(self.random.randint(16, 4096)))
        await self._finish(connection, result, limit)

    async def _entity(self, index, connection, result, limit):
        header = (f"<stream:stream to='{self.domain}' xmlns='jabber:client' "
                  "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>")
        laughs = "".join(f"<!ENTITY l{i} '&l{i - 1};&l{i - 1};&l{i - 1};&l{i - 1};'>" for i in range(1, 10))
        connection.send(self.random.choice([
            f"<?xml version='1.0'?><!DOCTYPE stream [<!ENTITY l0 'lol'>{laughs}]>{header}<message><body>&l9;</body></message>",
            f"<?xml version='1.0'?>{header}<message><body>&xxe;</body></message>",
            f"<?xml version='1.0'?>{header}<!-- a comment --><presence/>",
            f"<?xml version='1.0'?>{header}<?php echo 1; ?><presence/>",
            f"<?xml version='1.0'?><!DOCTYPE x SYSTEM 'http://127.0.0.1:1/x.dtd'>{header}",
        ]))
        await self._finish(connection, result, limit)

    async def _oversize(self, index, connection, result, limit):
        await connection.open_stream(self.domain)
        if index % 2:
            connection.send("<message><body>" + "A" * 70_000 + "</body></message>")
        else:
            connection.send("<a>" * 40 + "</a>" * 40)
        await self._finish(connection, result, limit)

    async def _bad_sasl(self, index, connection, result, limit):
        await connection.open_stream(self.domain)
        for _ in range(5):
            try:
                if await connection.authenticate(f"nobody{uuid.uuid4().hex[:8]}", None, self.domain):
                    raise RuntimeError("a random proof was accepted")
            except Closed:
                break
            if connection.stream_error():
                break
        await self._finish(connection, result, limit)

    async def _no_header(self, index, connection, result, limit):
        await self._finish(connection, result, limit)

    async def _silent(self, index, connection, result, limit):
        await connection.open_stream(self.domain)
        await self._finish(connection, result, limit)

    async def _slow_reader(self, index, connection, result, limit):
        user = self.pool[index % len(self.pool)]
        await connection.login(user, PASSWORD, self.domain, f"slow{index}")
        connection.writer.transport.pause_reading()
        for n in range(VCARD_REQUESTS):
            connection.send(f"<iq type='get' id='v{n}'><vCard xmlns='vcard-temp'/></iq>")
        await self._server_closes(connection, result)
        # Now read what is left: a stream error may or may not have fitted.
        connection.writer.transport.resume_reading()
        await connection.read_to_end(10)
        result["error"] = connection.stream_error()

    async def _half_open(self, index, connection, result, limit):
        user = self.pool[index % len(self.pool)]
        jid = await connection.login(user, PASSWORD, self.domain, f"half{index}")
        connection.writer.transport.pause_reading()
        await self.vanisher.vanish(connection.local_port)
        vanished = asyncio.get_running_loop().time()
        # Something to write to the vanished peer: it never acknowledges it.
        # (Small: the feeder's own flood control allows 64 KiB/s.)
        for n in range(2):
            self.feed.send(f"<message to='{jid}' type='chat'><body>{'h' * 400} {n}</body></message>")
        await self._server_closes(connection, result, since=vanished)
        port = connection.local_port
        connection.close()
        await self.vanisher.reappear(port)

    async def _server_closes(self, connection, result, since=None):
        """Waits (bounded) until the c2s side of this connection is closed."""
        loop = asyncio.get_running_loop()
        since = since or loop.time()
        peer = connection.writer.get_extra_info("sockname")
        deadline = since + self.idle_timeout + 30
        while loop.time() < deadline:
            await asyncio.sleep(0.5)
            if not self.sockets.is_open(peer):
                result["closed"] = True
                result["seconds_to_close"] = loop.time() - since
                return
        result["note"] = "the server kept the connection open"

    # MARK: running it

    async def run(self):
        self.sockets = ServerSockets((p["host"], p["port"]) for p in self.c2s)
        self.stream_ready = asyncio.Event()
        self.t0 = asyncio.get_running_loop().time()
        self.stop_sending = asyncio.Event()
        stop_sampling = asyncio.Event()
        stop_stream = asyncio.Event()
        sampler = asyncio.create_task(self.sample(stop_sampling))
        stream = asyncio.create_task(self.run_stream(stop_stream))
        await asyncio.wait_for(self.stream_ready.wait(), 60)
        self.feed = await connect(*self.c2s_for(0))
        await self.feed.login(self.feeder, PASSWORD, self.domain, "feed")

        async def drain_feed():
            while not self.feed.eof:
                try:
                    await self.feed.read_some(5)
                except asyncio.TimeoutError:
                    self.feed.send(" ")
                self.feed.received = ""

        feed_drain = asyncio.create_task(drain_feed())
        await asyncio.sleep(3)
        self.mark("baseline")
        self.load = [os.getloadavg()[0]]
        loop = asyncio.get_running_loop()
        started = loop.time()
        for turn in range(self.rounds):
            if turn:
                # Settle, then note what each process holds after the round before.
                await asyncio.sleep(5)
                self.mark(f"after_round_{turn}")
            round_started = loop.time()
            kinds = [self.kinds[i % len(self.kinds)] for i in range(self.connections)]
            self.random.shuffle(kinds)
            tasks = []
            for number, kind in enumerate(kinds):
                at = round_started + number * self.seconds / self.connections
                delay = at - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                tasks.append(asyncio.create_task(self.hostile(turn * self.connections + number, kind)))
            self.opening_seconds = loop.time() - round_started
            await asyncio.gather(*tasks)
        self.hostile_seconds = loop.time() - started
        self.mark("hostile_end")
        self.load.append(os.getloadavg()[0])
        # The stream runs a little longer, then must deliver everything.
        await asyncio.sleep(3)
        self.stop_sending.set()
        stop_stream.set()
        try:
            await asyncio.wait_for(stream, 60)
        except asyncio.TimeoutError:
            stream.cancel()
        self.stream["lost"] = sum(self.sent) - sum(self.received_per_pair)
        self.feed_lost = self.feed.eof
        self.feed.close()
        feed_drain.cancel()
        # Let the server settle, then take the final figures.
        await asyncio.sleep(5)
        self.metrics = {process["node_id"]: self.counters(process) for process in self.c2s}
        self.mark("final_start")
        await asyncio.sleep(2)
        stop_sampling.set()
        await sampler

    COUNTERS = re.compile(r'^(xmpp_slow_readers_closed|xmpp_sasl\{outcome="failure"\}) ([0-9.e+]+)$', re.M)

    def counters(self, process):
        """The c2s counters that say how bad clients were handled."""
        _, text = self.cluster.admin(process, "/metrics")
        return {name: int(float(value)) for name, value in self.COUNTERS.findall(text)}

    def execute(self):
        self.vanisher = Vanisher(self.half_open_source).start()
        try:
            asyncio.run(asyncio.wait_for(
                self.run(), self.rounds * (self.seconds + self.handshake_timeout + self.idle_timeout + 10) + 300))
        finally:
            self.vanisher.stop()
        return self.figures()

    # MARK: figures

    def worst_per_window(self, seconds):
        """The worst latency (ms) of the messages sent in each window of `seconds`, from the stream's start."""
        worst = {}
        for sent, latency in self.stream["timeline"]:
            window = int(sent // seconds) * seconds
            worst[window] = max(worst.get(window, 0), round(latency * 1000))
        return sorted(worst.items())

    def figures(self):
        kinds = {}
        for result in self.results:
            entry = kinds.setdefault(result["kind"], {
                "opened": 0, "connect_failed": 0, "closed": 0, "errors": {}, "unexpected": [], "sasl_failures": 0,
                "login_retries": 0,
                "seconds_to_close": []})
            if not result["connected"]:
                entry["connect_failed"] += 1
                entry["unexpected"].append(result["note"])
                continue
            entry["opened"] += 1
            entry["closed"] += bool(result["closed"])
            condition = result["error"] or "none"
            entry["errors"][condition] = entry["errors"].get(condition, 0) + 1
            entry["sasl_failures"] += result["sasl_failures"]
            entry["login_retries"] += result.get("login_retries", 0)
            if "seconds_to_close" in result:
                entry["seconds_to_close"].append(result["seconds_to_close"])
            expected = EXPECTED[result["kind"]]
            if not result["closed"] or (expected is not None and result["error"] not in expected):
                entry["unexpected"].append(f"error={result['error']} closed={result['closed']} {result['note'] or ''}")
            elif expected is not None and not result.get("header_first"):
                entry["unexpected"].append(f"error={result['error']} without our stream header first")
            elif result["kind"] == "bad_sasl" and result["error"] == "policy-violation" and result["sasl_failures"] < 3:
                entry["unexpected"].append(f"only {result['sasl_failures']} SASL failures before the stream error")
        rss, cpu = {}, {}
        for name, sample in self.samples.items():
            values = sample["rss"]
            if not values:
                continue
            base = values[max(0, sample.get("baseline", 1) - 1)]
            final = values[sample.get("final_start", len(values) - 1):] or values[-1:]
            rss[name] = {"baseline": base, "peak": max(values), "final": min(final),
                         "after_rounds": [values[sample[f"after_round_{r}"] - 1] for r in range(1, self.rounds)]}
            start = sample.get("baseline", 1) - 1
            end = sample.get("hostile_end", len(values)) - 1
            cpu[name] = sample["cpu"][end] - sample["cpu"][start]
        fds = {}
        for name, sample in self.fds.items():
            values = sample["counts"]
            base = values[max(0, sample.get("baseline", 1) - 1)]
            final = values[sample.get("final_start", len(values) - 1):] or values[-1:]
            fds[name] = {"baseline": base, "peak": max(values), "final": min(final)}
        latencies = self.stream["latencies"]
        return {
            "connections": self.connections * self.rounds, "seconds": self.seconds, "rounds": self.rounds, "half_open_method": self.vanisher.method,
            "load_average": [round(value, 1) for value in self.load], "cpus": os.cpu_count(),
            "opening_seconds": round(self.opening_seconds, 1), "hostile_seconds": round(self.hostile_seconds, 1),
            "feeder_disconnected": self.feed_lost,
            "kinds": kinds, "rss_mb": rss, "cpu_seconds": cpu, "c2s_fds": fds, "c2s_metrics": self.metrics,
            "stream": {
                "pairs": STREAM_PAIRS, "sent": self.stream["sent"], "received": self.stream["received"],
                "lost": self.stream["lost"], "out_of_order": self.stream["out_of_order"],
                "duplicates": self.stream["duplicates"],
                "worst_latency_per_10s": self.worst_per_window(10),
                "latency_ms": {"p50": percentile(latencies, 50) * 1000, "p99": percentile(latencies, 99) * 1000,
                               "max": max(latencies, default=float("nan")) * 1000},
            },
        }


def problems(figures, rss_growth_mb, final_growth_mb):
    """What the soak must not show; empty when it passed."""
    found = []
    stream = figures["stream"]
    if stream["sent"] == 0 or stream["lost"] or stream["out_of_order"] or stream["duplicates"]:
        found.append(f"message stream: {stream}")
    if figures["feeder_disconnected"]:
        found.append("the connection writing to half-open peers was disconnected")
    opened = sum(kind["opened"] + kind["connect_failed"] for kind in figures["kinds"].values())
    if opened != figures["connections"]:
        found.append(f"{opened} connections accounted for, {figures['connections']} planned")
    for name, kind in figures["kinds"].items():
        if kind["unexpected"]:
            found.append(f"{name}: {len(kind['unexpected'])} unexpected, e.g. {kind['unexpected'][:3]}")
    for name, rss in figures["rss_mb"].items():
        if not name.startswith("c2s"):
            continue
        if rss["peak"] > rss["baseline"] + rss_growth_mb:
            found.append(f"{name} RSS peaked at {rss['peak']:.0f} MB from {rss['baseline']:.0f} MB")
        if rss["final"] > rss["baseline"] + final_growth_mb:
            found.append(f"{name} RSS stayed at {rss['final']:.0f} MB from {rss['baseline']:.0f} MB")
    for name, fds in figures["c2s_fds"].items():
        if fds["final"] > fds["baseline"] + 16:
            found.append(f"{name} holds {fds['final']} file descriptors after the soak, {fds['baseline']} before")
    return found


def report(figures):
    """The figures as text, for the console and docs/operations.md."""
    lines = [
        f"hostile connections: {figures['connections']} in {figures['rounds']} round(s), the last opened over "
        f"{figures['opening_seconds']} s "
        f"(all ended after {figures['hostile_seconds']} s); half-open peers by {figures['half_open_method']}; "
        f"machine load average {figures['load_average'][0]} at the start, {figures['load_average'][-1]} at the end "
        f"({figures['cpus']} CPUs)",
        "kind          opened  closed  stream errors received                         seconds to close (p50/max)",
    ]
    for name in KINDS:
        kind = figures["kinds"].get(name)
        if not kind:
            continue
        errors = ", ".join(f"{condition} {count}" for condition, count in sorted(kind["errors"].items()))
        if kind["sasl_failures"]:
            errors += f" (SASL failures {kind['sasl_failures']})"
        if kind["login_retries"]:
            errors += f" (logins retried after temporary-auth-failure: {kind['login_retries']})"
        close = kind["seconds_to_close"]
        timing = f"{percentile(close, 50):.1f}/{max(close):.1f}" if close else "-"
        lines.append(f"{name:<13} {kind['opened']:>6}  {kind['closed']:>6}  {errors:<46} {timing}"
                     + (f"  UNEXPECTED {len(kind['unexpected'])}" if kind["unexpected"] else ""))
    lines.append("process        RSS MB baseline / peak / final    CPU s while the bad clients ran")
    for name, rss in sorted(figures["rss_mb"].items()):
        lines.append(f"{name:<14} {rss['baseline']:>4.0f} / {rss['peak']:>4.0f} / {rss['final']:>4.0f}"
                     f"             {figures['cpu_seconds'].get(name, 0):.1f}"
                     + (f"   after each round but the last: {', '.join(f'{v:.0f}' for v in rss['after_rounds'])}"
                        if rss["after_rounds"] else ""))
    for name, fds in sorted(figures["c2s_fds"].items()):
        lines.append(f"{name} open fds: {fds['baseline']} / {fds['peak']} / {fds['final']}")
    for name, counters in sorted(figures["c2s_metrics"].items()):
        lines.append(f"{name} counters: " + ", ".join(f"{key} {value}" for key, value in sorted(counters.items())))
    stream = figures["stream"]
    latency = stream["latency_ms"]
    lines.append(
        f"message stream: {stream['pairs']} pairs across c2s nodes, {stream['sent']} sent, {stream['received']} received, "
        f"{stream['lost']} lost, {stream['out_of_order']} out of order, {stream['duplicates']} duplicates; "
        f"latency p50 {latency['p50']:.1f} ms, p99 {latency['p99']:.1f} ms, max {latency['max']:.1f} ms")
    lines.append("worst stream latency per 10 s of sending (s from start: ms): "
                 + ", ".join(f"{start}: {worst}" for start, worst in stream["worst_latency_per_10s"]))
    return "\n".join(lines)
