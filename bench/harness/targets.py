"""The servers under test. Each starts as our own processes on its own loopback
address, with its configuration in the harness's temporary directory, gets the
bench accounts and rosters through its own tools, and stops by PID."""

import concurrent.futures
import json
import os
import shutil
import subprocess
import time
import urllib.request

from . import procs

PASSWORD = "bench-password"
DOMAIN = "localhost"


class Target:
    name = "target"

    def __init__(self, workdir):
        self.dir = os.path.join(workdir, self.name)
        os.makedirs(self.dir, exist_ok=True)
        self.host, self.port = None, None
        self.pids = {}  # role -> PID of each server process measured

    def quiesce(self):
        """Waits until the server has no queued work left from the last scenario."""

    def placement(self):
        return {role: {"pid": pid, "cpus": procs.cpus_allowed(pid)} for role, pid in self.pids.items()}

    def provision(self, users, user_prefix, roster_users, roster_prefix, contacts):
        raise NotImplementedError

    @staticmethod
    def ring(roster_users, roster_prefix, contacts):
        """Mutual pairs of a ring: each user with the contacts/2 next and previous ones."""
        for index in range(roster_users):
            for offset in range(1, contacts // 2 + 1):
                yield f"{roster_prefix}{index}", f"{roster_prefix}{(index + offset) % roster_users}"


class Trellis(Target):
    """The whole cluster through the native launcher: redis, storage, M routers, one c2s."""

    def __init__(self, workdir, root, routers, bench_bin, net="127.0.91", archive=False):
        self.name = f"trellis-{routers}r" + ("-archive" if archive else "")
        super().__init__(workdir)
        self.root, self.routers, self.bench_bin, self.net, self.archive = root, routers, bench_bin, net, archive
        # One run dir for both router counts: accounts and rosters persist between them.
        self.run_dir = os.path.join(workdir, "trellis-run")

    def launcher(self, *args, timeout=300):
        # Offline storage off, as for the peers (no mod_offline): a message to a
        # gone session is bounced, not kept for the next run's receiver.
        env = dict(os.environ, TRELLIS_LAUNCH_TLS_REQUIRED="false", TRELLIS_LAUNCH_LOG_LEVEL="warning",
                   TRELLIS_LAUNCH_STORAGE_OFFLINE_MAX_MESSAGES="0",
                   # Like the peers as configured here (ejabberd without a c2s shaper,
                   # Prosody without mod_limits): no per-connection flood control.
                   TRELLIS_LAUNCH_C2S_MAX_BYTES_PER_SECOND="0",
                   # The message archive (XEP-0313) on or off, to price it side by side.
                   TRELLIS_LAUNCH_ARCHIVE_ENABLED="true" if self.archive else "false")
        return procs.run([os.path.join(self.root, "scripts", "trellis"), "--run-dir", self.run_dir, *args],
                         timeout=timeout, env=env, stdout=subprocess.DEVNULL)

    def start(self):
        self.launcher("up", "--detach", "--net", self.net, "--routers", str(self.routers), "--c2s", "1",
                      "--bosh", "0", "--configuration", "release", "--no-install", "--no-build")
        with open(os.path.join(self.run_dir, "cluster.json")) as f:
            cluster = json.load(f)
        self.redis = cluster["redis"]
        for process in cluster["processes"]:
            self.pids[f"{process['role']}-{process['index']}"] = process["pid"]
            if process["role"] == "c2s":
                self.host, self.port = process["host"], process["port"]
        procs.wait_for_port(self.host, self.port)
        self.quiesce()

    def queued(self):
        """Entries still waiting in the route and delivery streams."""
        redis = ["redis-cli", "-h", self.redis["host"], "-p", str(self.redis["port"])]
        keys = subprocess.run([*redis, "--scan", "--pattern", self.redis["prefix"] + "*"], capture_output=True,
                              text=True, timeout=30).stdout.split()
        prefix = self.redis["prefix"]
        streams = [k for k in keys if k.startswith((prefix + "route:", prefix + "deliver:"))]
        if not streams:
            return 0
        script = "".join(f"XLEN {k}\n" for k in streams)
        out = subprocess.run(redis, input=script, capture_output=True, text=True, timeout=30).stdout.split()
        return sum(int(x) for x in out if x.isdigit())

    def quiesce(self, timeout=180):
        deadline = time.monotonic() + timeout
        while self.queued() > 0 and time.monotonic() < deadline:
            time.sleep(1)

    def provision(self, users, user_prefix, roster_users, roster_prefix, contacts):
        marker = os.path.join(self.run_dir, f"provisioned-{users}-{roster_users}-{contacts}")
        if os.path.exists(marker):
            return
        procs.run([self.bench_bin, "provision-trellis", "--redis-host", self.redis["host"],
                   "--redis-port", str(self.redis["port"]), "--prefix", self.redis["prefix"],
                   "--domain", DOMAIN, "--password", PASSWORD, "--users", str(users), "--user-prefix", user_prefix,
                   "--roster-users", str(roster_users), "--roster-prefix", roster_prefix,
                   "--contacts", str(contacts)], timeout=900)
        open(marker, "w").close()

    def stop(self):
        self.launcher("down", timeout=120)


class Prosody(Target):
    """Debian's prosody 0.12: internal_hashed accounts, internal storage, epoll."""

    name = "prosody"

    def __init__(self, workdir, host="127.0.93.1", port=5222):
        super().__init__(workdir)
        self.host, self.port = host, port
        self.config = os.path.join(self.dir, "prosody.cfg.lua")
        os.makedirs(os.path.join(self.dir, "data"), exist_ok=True)
        with open(self.config, "w") as f:
            f.write(f"""-- written by bench/run
pidfile = "{self.dir}/prosody.pid"
data_path = "{self.dir}/data"
certificates = "{self.dir}/certs"
run_as_root = true
daemonize = false
modules_enabled = {{ "roster", "saslauth", "disco", "ping", "admin_shell", "posix" }}
modules_disabled = {{ "s2s", "offline", "tls" }}
c2s_ports = {{ {port} }}
c2s_interfaces = {{ "{host}" }}
s2s_ports = {{}}
component_ports = {{}}
http_ports = {{}}
https_ports = {{}}
c2s_require_encryption = false
authentication = "internal_hashed"
storage = "internal"
log = {{ error = "{self.dir}/prosody.err", warn = "{self.dir}/prosody.log" }}
VirtualHost "{DOMAIN}"
""")

    def start(self):
        self.log = open(os.path.join(self.dir, "stdout.log"), "a")
        self.process = subprocess.Popen(["prosody", "--config", self.config, "-F"], stdout=self.log,
                                        stderr=subprocess.STDOUT)
        self.pids = {"prosody": self.process.pid}
        procs.wait_for_port(self.host, self.port)
        deadline = time.monotonic() + 30
        while not os.path.exists(os.path.join(self.dir, "data", "prosody.sock")) and time.monotonic() < deadline:
            time.sleep(0.2)

    def shell(self, lua):
        """One raw-Lua line through `prosodyctl shell` (mod_admin_shell, running server)."""
        procs.run(["prosodyctl", "--config", self.config, "shell"], input=f"> {lua}\n".encode(), timeout=600,
                  stdout=subprocess.DEVNULL)

    def provision(self, users, user_prefix, roster_users, roster_prefix, contacts):
        if os.path.exists(os.path.join(self.dir, "provisioned")):
            return
        self.shell(f'local um = require"core.usermanager"; for i = 0, {users - 1} do '
                   f'um.create_user("{user_prefix}"..i, "{PASSWORD}", "{DOMAIN}") end; '
                   f'for i = 0, {roster_users - 1} do um.create_user("{roster_prefix}"..i, "{PASSWORD}", "{DOMAIN}") end')
        half = contacts // 2
        self.shell(f'local rm = require"core.rostermanager"; for i = 0, {roster_users - 1} do '
                   f'local u = "{roster_prefix}"..i; local r = rm.load_roster(u, "{DOMAIN}"); '
                   f'for k = -{half}, {half} do if k ~= 0 then '
                   f'r["{roster_prefix}"..((i + k) % {roster_users}).."@{DOMAIN}"] = {{ subscription = "both", groups = {{}} }} '
                   f'end end; rm.save_roster(u, "{DOMAIN}", r) end')
        open(os.path.join(self.dir, "provisioned"), "w").close()

    def stop(self):
        procs.stop_pids([self.process.pid])
        self.log.close()


class Ejabberd(Target):
    """Debian's ejabberd 23.01: Mnesia, SCRAM-SHA-1 stored keys, no epmd (fixed
    distribution port on 127.0.0.1), provisioned through mod_http_api."""

    name = "ejabberd"

    def __init__(self, workdir, host="127.0.94.1", port=5222, api_port=5280, dist_port=15290):
        super().__init__(workdir)
        self.host, self.port, self.api_port = host, port, api_port
        for sub in ("spool", "logs", "conf"):
            os.makedirs(os.path.join(self.dir, sub), exist_ok=True)
        conf = os.path.join(self.dir, "conf")
        shutil.copy("/etc/ejabberd/inetrc", conf)
        with open(os.path.join(conf, "ejabberd.yml"), "w") as f:
            f.write(f"""# written by bench/run
hosts: ["{DOMAIN}"]
loglevel: warning
certfiles: []
listen:
  - port: {port}
    ip: "{host}"
    module: ejabberd_c2s
    starttls_required: false
    max_stanza_size: 262144
    backlog: 1024
  - port: {api_port}
    ip: "{host}"
    module: ejabberd_http
    backlog: 1024
    request_handlers:
      /api: mod_http_api
auth_method: internal
auth_password_format: scram
auth_scram_hash: sha
access_rules:
  c2s:
    allow: all
shaper_rules:
  max_user_sessions: 10
api_permissions:
  "bench admin":
    from: [ejabberd_ctl, mod_http_api]
    who:
      ip: "127.0.0.0/8"
    what: "*"
modules:
  mod_roster: {{}}
  mod_disco: {{}}
  mod_ping: {{}}
  mod_admin_extra: {{}}
  mod_http_api: {{}}
""")
        with open(os.path.join(conf, "ejabberdctl.cfg"), "w") as f:
            f.write(f"""ERL_OPTIONS="-env ERL_CRASH_DUMP_BYTES 0"
EJABBERD_PID_PATH={self.dir}/ejabberd.pid
EJABBERD_CONFIG_PATH={conf}/ejabberd.yml
ERL_DIST_PORT={dist_port}
INET_DIST_INTERFACE=127.0.0.1
ERLANG_NODE=ejabberd-bench@localhost
""")
        # As the ejabberd user without su: su's PAM session would cut the open
        # files limit to 1024, and ejabberd then refuses connections past ~1000.
        self.ctl = ["setpriv", "--reuid=ejabberd", "--regid=ejabberd", "--init-groups", "env",
                    "HOME=/var/lib/ejabberd", "ejabberdctl", "--ctl-config", os.path.join(conf, "ejabberdctl.cfg"), "--config-dir", conf,
                    "--spool", os.path.join(self.dir, "spool"), "--logs", os.path.join(self.dir, "logs")]
        subprocess.run(["chown", "-R", "ejabberd", self.dir], check=True)
        os.chmod(os.path.dirname(self.dir), 0o755)

    def start(self):
        self.log = open(os.path.join(self.dir, "stdout.log"), "a")
        self.process = subprocess.Popen([*self.ctl, "foreground"], stdout=self.log, stderr=subprocess.STDOUT)
        procs.wait_for_port(self.host, self.port, timeout=90)
        procs.wait_for_port(self.host, self.api_port, timeout=30)
        beams = [p for p in procs.descendants(self.process.pid) if procs.command_name(p) == "beam.smp"]
        self.pids = {"beam.smp": beams[0]}

    def api(self, command, body):
        request = urllib.request.Request(f"http://{self.host}:{self.api_port}/api/{command}",
                                         data=json.dumps(body).encode(), method="POST")
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.read()

    def provision(self, users, user_prefix, roster_users, roster_prefix, contacts):
        if os.path.exists(os.path.join(self.dir, "provisioned")):
            return
        names = [f"{user_prefix}{i}" for i in range(users)] + [f"{roster_prefix}{i}" for i in range(roster_users)]
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda user: self.api("register", {"user": user, "host": DOMAIN, "password": PASSWORD}),
                          names))
            items = []
            for user, contact in self.ring(roster_users, roster_prefix, contacts):
                items += [(user, contact), (contact, user)]
            list(pool.map(lambda pair: self.api("add_rosteritem", {
                "localuser": pair[0], "localhost": DOMAIN, "user": pair[1], "host": DOMAIN, "nick": pair[1],
                "group": "bench", "subs": "both"}), items))
        open(os.path.join(self.dir, "provisioned"), "w").close()

    def stop(self):
        subprocess.run([*self.ctl, "stop"], timeout=60, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            procs.stop_pids([self.process.pid, *procs.descendants(self.process.pid)])
        self.log.close()
