"""A minimal synchronous Redis client (RESP2) for drills that read Redis many
times a second or in bulk (lease owners, every session record, INFO): one
socket, pipelined commands. `cluster.redis` (redis-cli) stays the tool for
single reads in tests."""

import socket


class RespClient:
    def __init__(self, host, port, timeout=10.0):
        self.socket = socket.create_connection((host, port), timeout=timeout)
        self.file = self.socket.makefile("rb")

    def close(self):
        self.file.close()
        self.socket.close()

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.close()

    @staticmethod
    def _encode(command):
        parts = [f"*{len(command)}\r\n".encode()]
        for argument in command:
            data = argument if isinstance(argument, bytes) else str(argument).encode()
            parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
        return b"".join(parts)

    def _read(self):
        line = self.file.readline()
        if not line:
            raise ConnectionError("redis closed the connection")
        kind, rest = line[:1], line[1:-2]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            raise RuntimeError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            size = int(rest)
            if size < 0:
                return None
            data = self.file.read(size + 2)[:-2]
            return data.decode(errors="replace")
        if kind == b"*":
            size = int(rest)
            return None if size < 0 else [self._read() for _ in range(size)]
        raise RuntimeError(f"unexpected reply {line!r}")

    def pipeline(self, commands):
        """The replies of `commands`, sent in one write."""
        if not commands:
            return []
        self.socket.sendall(b"".join(self._encode(c) for c in commands))
        return [self._read() for _ in commands]

    def send(self, *command):
        return self.pipeline([command])[0]

    def info(self, section):
        """INFO `section` as a dict of strings."""
        fields = {}
        for line in self.send("INFO", section).splitlines():
            if ":" in line and not line.startswith("#"):
                name, value = line.split(":", 1)
                fields[name] = value
        return fields

    def command_calls(self):
        """{command: (calls, usec)} from INFO commandstats."""
        stats = {}
        for name, value in self.info("commandstats").items():
            fields = dict(part.split("=", 1) for part in value.split(","))
            stats[name[len("cmdstat_"):]] = (int(fields["calls"]), int(fields["usec"]))
        return stats
