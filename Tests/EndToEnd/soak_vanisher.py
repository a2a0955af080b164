"""Half-open TCP for the soak (soak.py): a connected peer that vanishes
without a FIN."""

import asyncio
import os
import shutil
import subprocess


class Vanisher:
    """Makes a connected peer vanish without a FIN: with nft (root), packets
    to and from its (address, port) are dropped in one table of this soak's
    own, removed afterwards; without, the peer only stops reading and
    writing (a zero window once its small buffer is full)."""

    def __init__(self, source):
        self.source = source
        self.table = f"trellis_soak_{os.getpid()}"
        self.dropping = False
        self.used_nft = False
        self.pending = []
        self.flusher = None

    def start(self):
        if os.geteuid() != 0 or not shutil.which("nft"):
            return self
        script = (f"add table inet {self.table}\n"
                  f"add set inet {self.table} vanished {{ type inet_service; }}\n"
                  f"add chain inet {self.table} out {{ type filter hook output priority 0; policy accept; }}\n"
                  f"add rule inet {self.table} out ip saddr {self.source} tcp sport @vanished drop\n"
                  f"add rule inet {self.table} out ip daddr {self.source} tcp dport @vanished drop\n")
        result = subprocess.run(["nft", "-f", "-"], input=script, text=True, capture_output=True)
        if result.returncode == 0:
            self.dropping = self.used_nft = True
        else:
            self.stop()
        return self

    @property
    def method(self):
        return "nft drop (no FIN, no ACK)" if self.used_nft else "zero window (stops reading and writing)"

    async def vanish(self, port):
        """Returns once packets of `port` are dropped (at once without nft)."""
        if not self.dropping:
            return
        if self.flusher is None:
            self.batch = asyncio.get_running_loop().create_future()
            self.flusher = asyncio.get_running_loop().create_task(self._flush())
        self.pending.append(port)
        await asyncio.shield(self.batch)

    async def _flush(self):
        """One nft call for the ports that vanish within 100 ms of each other."""
        await asyncio.sleep(0.1)
        ports, batch = self.pending, self.batch
        self.pending, self.flusher = [], None
        elements = ", ".join(str(port) for port in ports)
        process = await asyncio.create_subprocess_exec(
            "nft", "add", "element", "inet", self.table, "vanished", "{ " + elements + " }",
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        await process.wait()
        batch.set_result(process.returncode == 0)

    async def reappear(self, port):
        """Stops dropping `port` once its client socket is closed, so a later
        connection that gets the same port is not a ghost from the start."""
        if not self.dropping:
            return
        process = await asyncio.create_subprocess_exec(
            "nft", "delete", "element", "inet", self.table, "vanished", "{ " + str(port) + " }",
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        await process.wait()

    def stop(self):
        """Removes the table (also when start half failed); safe to call twice."""
        if shutil.which("nft"):
            subprocess.run(["nft", "delete", "table", "inet", self.table],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.dropping = False
