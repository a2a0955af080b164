"""A cluster started by scripts/trellis for one test session, and small helpers
to look at it: Redis through redis-cli, admin endpoints over HTTP."""

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LAUNCHER = os.path.join(ROOT, "scripts", "trellis")


class Cluster:
    def __init__(self, run_dir, net, routers=2, c2s=1, bosh=2, configuration="debug", up_args=()):
        self.run_dir = run_dir
        self.net = net
        self.counts = {"routers": routers, "c2s": c2s, "bosh": bosh}
        self.configuration = configuration
        # Further `scripts/trellis up` options, e.g. ("--sentinel",).
        self.up_args = tuple(up_args)

    # MARK: launcher

    def launcher(self, *args, check=True, timeout=120):
        return subprocess.run(
            [LAUNCHER, "--run-dir", self.run_dir, *args], check=check, timeout=timeout,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def up(self):
        self.launcher(
            "up", "--detach", "--no-install", "--no-build", "--fresh", "--net", self.net,
            "--routers", str(self.counts["routers"]), "--c2s", str(self.counts["c2s"]),
            "--bosh", str(self.counts["bosh"]), "--configuration", self.configuration, *self.up_args, timeout=300)

    def down(self):
        self.launcher("down", check=False)

    def kill(self, role, index, signal="KILL"):
        return json.loads(self.launcher("kill", role, str(index), "--signal", signal).stdout)["pid"]

    def start(self, role, index):
        return json.loads(self.launcher("start", role, str(index)).stdout)["pid"]

    @property
    def state(self):
        with open(os.path.join(self.run_dir, "cluster.json")) as file:
            return json.load(file)

    def processes(self, role=None):
        return [p for p in self.state["processes"] if role is None or p["role"] == role]

    def process(self, role, index):
        return next(p for p in self.processes(role) if p["index"] == index)

    # MARK: looking inside

    def ctl(self, *args, check=True, input=None):
        """Runs the build's trellisctl against this cluster's Redis (`input`: its stdin)."""
        state = self.state
        env = dict(os.environ, TRELLIS_REDIS_HOST=state["redis"]["host"],
                   TRELLIS_REDIS_PORT=str(state["redis"]["port"]), TRELLIS_DOMAINS=state["domain"],
                   TRELLIS_REDIS_SENTINELS=",".join(state["redis"].get("sentinels", [])))
        binary = os.path.join(ROOT, ".build", state["build"], "trellisctl")
        return subprocess.run([binary, *args], env=env, check=check, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, timeout=30, input=input)

    def redis(self, *command):
        """A command on the Redis master (with sentinels: the one they name now)."""
        host, port = self.redis_master()
        return self.redis_at(host, port, *command)

    def redis_at(self, host, port, *command, check=True):
        result = subprocess.run(
            ["redis-cli", "-h", host, "-p", str(port), "--raw", *command],
            check=check, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=10)
        return result.stdout.splitlines()

    def redis_master(self):
        """(host, port) of the master: the first sentinel that answers names
        it; without sentinels, the cluster's one Redis."""
        redis = self.state["redis"]
        for address in redis.get("sentinels", []):
            host, port = address.rsplit(":", 1)
            reply = self.redis_at(host, port, "SENTINEL", "get-master-addr-by-name", redis["sentinel_master"],
                                  check=False)
            if len(reply) == 2:
                return reply[0], int(reply[1])
        return redis["host"], redis["port"]

    def key(self, name):
        return self.state["redis"]["prefix"] + name

    def admin(self, process, path):
        """(status, body) of an admin endpoint; (None, '') when nothing answers."""
        try:
            with urllib.request.urlopen(f"http://{process['admin']}{path}", timeout=2) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()
        except OSError:
            return None, ""


@contextlib.contextmanager
def own_cluster(base_net, offset, settings, **counts):
    """A cluster of a test module's own, on `base_net` + `offset` (another
    loopback network than the session cluster's), whose processes get
    `settings` (TRELLIS_LAUNCH_<KEY> values); stopped and removed afterwards."""
    prefix, last = base_net.rsplit(".", 1)
    run_dir = tempfile.mkdtemp(prefix="trellis-own-")
    saved = dict(os.environ)
    os.environ.update(settings)
    cluster = Cluster(run_dir, f"{prefix}.{int(last) + offset}", **counts)
    try:
        cluster.up()
        yield cluster
    finally:
        os.environ.clear()
        os.environ.update(saved)
        cluster.down()
        shutil.rmtree(run_dir, ignore_errors=True)


def wait_for(predicate, timeout, interval=0.05, what="condition"):
    """Polls `predicate` until it is truthy; fails the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def pid_alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as file:
            return file.read().split(") ")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def ctl(cluster, *args, check=True):
    """Runs trellisctl against the cluster's Redis (any cluster with a `ctl`,
    the launcher's here or compose's in Tests/Compose)."""
    return cluster.ctl(*args, check=check)


def gateways_of(cluster, jid):
    """The node ids of the gateways holding `jid`'s sessions."""
    fields = cluster.redis("HGETALL", cluster.key(f"sessions:{{{jid}}}"))
    return sorted(json.loads(value)["node"] for value in fields[1::2])


def gateway_of(cluster, jid):
    """The node id of the gateway holding `jid`'s only session."""
    nodes = gateways_of(cluster, jid)
    assert len(nodes) == 1, nodes
    return nodes[0]


def new_account(cluster, prefix, password="secret-pass"):
    """A fresh account (name unique per call), as (jid, password)."""
    import uuid
    jid = f"{prefix}{uuid.uuid4().hex[:8]}@{cluster.state['domain']}"
    ctl(cluster, "user", "add", jid, "--password", password)
    return jid, password
