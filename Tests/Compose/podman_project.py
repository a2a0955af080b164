"""One compose project run by podman-compose, for scripts/compose-smoke: up
(with its scaled services), waiting for every service to be healthy, logs,
and down — touching only containers, networks and volumes labelled with this
project."""

import json
import os
import subprocess
import sys
import time

PODMAN_COMPOSE = [sys.executable, "-m", "podman_compose"]


class PodmanProject:
    def __init__(self, name, compose_file, env):
        self.name = name
        self.compose_file = compose_file
        self.env = env

    @property
    def pod(self):
        return f"pod_{self.name}"

    def compose(self, *args, timeout=300, check=True):
        command = [*PODMAN_COMPOSE, "-p", self.name, "-f", self.compose_file, *args]
        result = subprocess.run(command, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                timeout=timeout, cwd=os.path.dirname(self.compose_file))
        if check and result.returncode != 0:
            raise RuntimeError(f"{' '.join(command[2:])} failed ({result.returncode}):\n{result.stdout[-4000:]}")
        return result

    def podman(self, *args, timeout=60, check=True):
        return subprocess.run(["podman", *args], env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, timeout=timeout, check=check)

    # MARK: up

    def up(self, scale):
        """`up -d` with each service of `scale` at its count. podman-compose
        1.6 takes one --scale per call (the last wins, the others drop to 1), so
        the first call scales one service and each further call adds replicas
        to one more, leaving the containers already there as they are."""
        services = list(scale.items())
        first, count = services[0]
        self.compose("up", "-d", "--scale", f"{first}={count}")
        for service, count in services[1:]:
            self.compose("up", "-d", "--no-deps", "--scale", f"{service}={count}", service)

    def containers(self):
        """This project's containers, running or not, as podman inspect JSON."""
        ids = self.podman("ps", "--all", "--quiet", "--filter", f"label=io.podman.compose.project={self.name}"
                          ).stdout.split()
        if not ids:
            return []
        return json.loads(self.podman("inspect", *ids).stdout)

    @staticmethod
    def service_of(container):
        return container["Config"]["Labels"].get("com.docker.compose.service")

    def wait_healthy(self, expected, one_shot, timeout, interval=1.0):
        """Waits until each service of `expected` ({service: replicas}) has that
        many running, healthy containers and each of `one_shot` exited 0.
        Without systemd Podman schedules no healthchecks (it asks systemd for a
        timer), so this runs each container's healthcheck itself, as Docker's
        engine would, once per `interval`. Returns the seconds it took."""
        started = time.monotonic()
        while True:
            containers = self.containers()
            missing = self._unmet(containers, expected, one_shot)
            if not missing:
                return time.monotonic() - started
            if time.monotonic() - started > timeout:
                raise TimeoutError(f"not healthy after {timeout:.0f} s: {', '.join(missing)}")
            for container in containers:
                if container["State"]["Status"] == "running" and container["Config"].get("Healthcheck"):
                    self.podman("healthcheck", "run", container["Name"], check=False, timeout=30)
            time.sleep(interval)

    def wait_resolving(self, service, name, timeout, within=1.0):
        """Waits until a lookup of `name` (A and AAAA, as getaddrinfo does)
        inside `service`'s first container answers within `within` seconds.
        Podman's aardvark-dns (1.4, Debian 12) sometimes leaves lookups
        unanswered for tens of seconds after a project starts; the services
        ride it out with their reconnect backoff, a one-shot tool with a 3 s
        budget (trellisctl) does not. Returns the seconds it took."""
        started = time.monotonic()
        container = next(c["Name"] for c in self.containers()
                         if self.service_of(c) == service and c["State"]["Status"] == "running")
        while True:
            asked = time.monotonic()
            result = self.podman("exec", container, "getent", "ahosts", name, check=False, timeout=60)
            if result.returncode == 0 and time.monotonic() - asked <= within:
                return time.monotonic() - started
            if time.monotonic() - started > timeout:
                raise TimeoutError(f"{name} did not resolve promptly in {container} within {timeout:.0f} s")
            time.sleep(0.5)

    def _unmet(self, containers, expected, one_shot):
        missing = []
        for service, replicas in expected.items():
            healthy = [c for c in containers if self.service_of(c) == service
                       and c["State"]["Status"] == "running" and self.health(c) == "healthy"]
            if len(healthy) < replicas:
                missing.append(f"{service} {len(healthy)}/{replicas} healthy")
        for service in one_shot:
            done = [c for c in containers if self.service_of(c) == service
                    and c["State"]["Status"] == "exited" and c["State"]["ExitCode"] == 0]
            if not done:
                missing.append(f"{service} not completed")
        return missing

    @staticmethod
    def health(container):
        state = container["State"]
        return (state.get("Health") or state.get("Healthcheck") or {}).get("Status", "")

    # MARK: logs and down

    def save_logs(self, directory):
        """Each container's log into `directory`, for a failed run."""
        os.makedirs(directory, exist_ok=True)
        for container in self.containers():
            result = self.podman("logs", container["Name"], check=False)
            with open(os.path.join(directory, container["Name"] + ".log"), "w") as file:
                file.write(result.stdout + result.stderr)

    def down(self):
        """Removes this project's containers, pod, networks and volumes: with
        podman-compose first, then whatever still carries the project's label
        and the project's pod."""
        try:
            self.compose("down", "-v", "-t", "5", timeout=180, check=False)
        except subprocess.TimeoutExpired:
            pass
        label = f"label=io.podman.compose.project={self.name}"
        for _ in range(2):  # a second sweep for whatever the first found still in use
            for kind, listing in (("container", ["ps", "--all", "--quiet"]), ("network", ["network", "ls", "--quiet"]),
                                  ("volume", ["volume", "ls", "--quiet"])):
                ids = self.podman(*listing, "--filter", label, check=False).stdout.split()
                if ids:
                    self.podman(kind, "rm", "--force", *ids, check=False, timeout=120)
            # The pod carries no label; podman-compose names it after the project.
            if self.podman("pod", "exists", self.pod, check=False).returncode == 0:
                self.podman("pod", "rm", "--force", self.pod, check=False, timeout=120)
            if not self.leftovers():
                break

    def leftovers(self):
        """What of this project still exists (empty after a clean down)."""
        label = f"label=io.podman.compose.project={self.name}"
        left = []
        for kind, listing in (("container", ["ps", "--all", "--quiet"]), ("network", ["network", "ls", "--quiet"]),
                              ("volume", ["volume", "ls", "--quiet"])):
            left += [f"{kind} {i}" for i in self.podman(*listing, "--filter", label, check=False).stdout.split()]
        if self.podman("pod", "exists", self.pod, check=False).returncode == 0:
            left.append(f"pod {self.pod}")
        return left
