"""The c2s processes seen from outside, for the soak (soak.py): memory and
open files from /proc/PID, and which client connections the server still
holds open, from /proc/net/tcp."""

import os
import socket
import struct


def proc_status(pid, field):
    """A field of /proc/PID/status in kB (VmRSS, VmHWM), 0 when the process is gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except FileNotFoundError:
        pass
    return 0


def cpu_seconds(pid):
    """User + system CPU time of a process so far, 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except FileNotFoundError:
        return 0.0


def open_fds(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except FileNotFoundError:
        return 0


def _address(hex_address):
    ip, port = hex_address.split(":")
    return socket.inet_ntoa(struct.pack("<I", int(ip, 16))), int(port, 16)


class ServerSockets:
    """The c2s side of every TCP connection, from /proc/net/tcp: a connection
    the server closed is no longer ESTABLISHED or CLOSE_WAIT on its side
    (FIN_WAIT1 while the kernel still holds unsent data, then gone)."""

    OPEN = {"01", "08"}

    def __init__(self, listeners):
        self.listeners = set(listeners)
        self.open = set()

    def refresh(self):
        current = set()
        with open("/proc/net/tcp") as table:
            next(table)
            for line in table:
                fields = line.split()
                if fields[3] not in self.OPEN:
                    continue
                if _address(fields[1]) in self.listeners:
                    current.add(_address(fields[2]))
        self.open = current

    def is_open(self, peer):
        return peer in self.open
