"""The compose cluster scripts/compose-smoke started with podman-compose, seen
through the interface the end-to-end helpers in Tests/EndToEnd use
(`process`, `state`, `ctl`, `redis`, `key`): clients reach it only through the
ports compose.yaml publishes on loopback; operator tools run inside it with
`podman exec`, the way `docker compose exec` would."""

import json
import os
import subprocess


class ComposeCluster:
    def __init__(self, project, address, c2s_port, c2s_tls_port, http_port, domain="localhost"):
        self.project = project
        self.address = address
        self.ports = {"c2s": c2s_port, "c2s_tls": c2s_tls_port, "http": http_port}
        self.domain = domain

    @classmethod
    def from_environment(cls):
        """The cluster the smoke describes in its environment (the same
        variables compose.yaml reads)."""
        env = os.environ
        return cls(
            project=env["TRELLIS_COMPOSE_PROJECT"],
            address=env.get("TRELLIS_PUBLISH_ADDRESS", "127.0.0.1"),
            c2s_port=int(env["TRELLIS_C2S_PUBLISHED_PORT"]),
            c2s_tls_port=int(env["TRELLIS_C2S_TLS_PUBLISHED_PORT"]),
            http_port=int(env["TRELLIS_HTTP_PUBLISHED_PORT"]),
            domain=env.get("TRELLIS_DOMAINS", "localhost").split(",")[0])

    # MARK: what the end-to-end helpers ask

    @property
    def state(self):
        return {"domain": self.domain, "redis": {"prefix": "trellis:"}}

    def process(self, role, index=0):
        """Where a client reaches `role`: its published port (one per service,
        whatever the replica count)."""
        if role == "c2s":
            return {"host": self.address, "port": self.ports["c2s"], "tls_port": self.ports["c2s_tls"]}
        if role == "nginx":
            return {"host": self.address, "port": self.ports["http"]}
        raise KeyError(f"{role} publishes no port in compose.yaml")

    def ctl(self, *args, check=True, attempts=3):
        """trellisctl inside the storage container, with the service's own
        environment (Redis host, domains). Exit 69 (Redis or storage not
        reached within trellisctl's 3 s) is tried again, at most `attempts`
        times in all, and each such miss is printed with what the container's
        resolver says of `redis`, so a run shows it."""
        storage = self.container("storage")
        for attempt in range(1, attempts + 1):
            result = self.podman("exec", storage, "trellisctl", *args, check=False)
            if result.returncode != 69 or attempt == attempts:
                break
            hosts = self.podman("exec", storage, "getent", "ahosts", "redis", check=False).stdout.split("\n")[0]
            print(f"trellisctl {args[0]} {args[1] if len(args) > 1 else ''}: exit 69 on attempt {attempt} "
                  f"({result.stderr.strip()}; redis resolves to: {hosts.strip() or 'nothing'})")
        if check and result.returncode != 0:
            raise AssertionError(f"trellisctl {' '.join(args)}: exit {result.returncode}: {result.stderr.strip()}")
        return result

    def redis(self, *command):
        result = self.podman("exec", self.container("redis"), "redis-cli", "--raw", *command)
        return result.stdout.splitlines()

    def key(self, name):
        return self.state["redis"]["prefix"] + name

    # MARK: containers

    def podman(self, *args, check=True, timeout=60):
        return subprocess.run(["podman", *args], check=check, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, timeout=timeout)

    def containers(self, service=None, running=True):
        """This project's containers (podman ps JSON), of one service if given."""
        found = json.loads(self.podman(
            "ps", *([] if running else ["--all"]), "--format", "json",
            "--filter", f"label=io.podman.compose.project={self.project}").stdout or "[]")
        if service is not None:
            found = [c for c in found if c["Labels"].get("com.docker.compose.service") == service]
        return sorted(found, key=lambda c: c["Names"][0])

    def container(self, service):
        """The name of `service`'s first running container."""
        containers = self.containers(service)
        assert containers, f"no running {service} container"
        return containers[0]["Names"][0]

    def address_on(self, container, network):
        """The container's IPv4 address on the compose network `network`."""
        inspected = json.loads(self.podman("inspect", container).stdout)[0]
        networks = inspected["NetworkSettings"]["Networks"]
        return networks[f"{self.project}_{network}"]["IPAddress"]

    def vroute_of_node(self, node):
        """The `vroute` a node announced in its Redis record (gateways only)."""
        lines = self.redis("HGET", self.key(f"node:{{{node}}}"), "vroute")
        assert lines and lines[0], f"node {node} announced no vroute"
        return lines[0]

    def gateway_by_vroute(self, vroute):
        """The bosh-gateway container that named itself `vroute` (gN: N is the
        last octet of its address on the `web` network)."""
        for container in self.containers("bosh-gateway"):
            name = container["Names"][0]
            if "g" + self.address_on(name, "web").rsplit(".", 1)[1] == vroute:
                return name
        raise AssertionError(f"no running bosh-gateway is {vroute}")
