"""A minimal asyncio XMPP client over plain TCP for the hostile-input soak
(soak.py): stream header, SCRAM-SHA-1, bind, and raw bytes. slixmpp is too
heavy for thousands of connections in one process and would never send what
a hostile client sends; this one only does what the soak needs."""

import asyncio
import base64
import hashlib
import hmac
import os
import re
import socket

STREAM_HEADER = ("<?xml version='1.0'?><stream:stream to='{domain}' xmlns='jabber:client' "
                 "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>")
STREAM_ERROR = re.compile(r"<stream:error><([a-z-]+) xmlns='urn:ietf:params:xml:ns:xmpp-streams'")
SASL_FAILURE = re.compile(r"<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><([a-z-]+)")

# PBKDF2 results per (password, salt, iterations): every soak account has one
# salt, so each is derived once however often it logs in.
_salted = {}


class Closed(Exception):
    """The server closed the connection before what we waited for came."""


async def connect(host, port, source=None, receive_buffer=None, timeout=10):
    """A raw connection; `source` binds the local address, `receive_buffer`
    sets SO_RCVBUF before connecting (so the advertised window stays small)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setblocking(False)
    try:
        if receive_buffer:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        if source:
            sock.bind((source, 0))
        await asyncio.wait_for(asyncio.get_running_loop().sock_connect(sock, (host, port)), timeout)
    except BaseException:
        sock.close()
        raise
    reader, writer = await asyncio.open_connection(sock=sock, limit=1 << 20)
    return RawConnection(reader, writer)


class RawConnection:
    def __init__(self, reader, writer):
        self.reader = reader
        self.writer = writer
        self.received = ""
        self.eof = False
        self.last_sasl_failure = None
        self.login_retries = 0

    @property
    def local_port(self):
        return self.writer.get_extra_info("sockname")[1]

    def send(self, data):
        """Writes unless the connection is already gone (a bad client keeps
        talking into a closed stream; asyncio would warn for each write)."""
        if self.writer.transport.is_closing():
            return
        self.writer.write(data.encode() if isinstance(data, str) else data)

    async def read_some(self, timeout):
        """Reads one chunk into `received`; False at EOF or a reset."""
        try:
            chunk = await asyncio.wait_for(self.reader.read(65536), timeout)
        except (ConnectionResetError, BrokenPipeError):
            chunk = b""
        if not chunk:
            self.eof = True
            return False
        self.received += chunk.decode(errors="replace")
        return True

    async def read_until(self, marker, timeout=10, start=0):
        """Reads until `marker` (text or compiled regex) appears after `start`;
        returns the match's end. Raises Closed at EOF, TimeoutError after `timeout`."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if isinstance(marker, str):
                found = self.received.find(marker, start)
                if found >= 0:
                    return found + len(marker)
            else:
                match = marker.search(self.received, start)
                if match:
                    return match.end()
            if self.eof:
                raise Closed(self.received[-300:])
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise asyncio.TimeoutError()
            await self.read_some(remaining)

    async def read_to_end(self, timeout):
        """Everything until the server closes; True if it did within `timeout`."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not self.eof:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            try:
                await self.read_some(remaining)
            except asyncio.TimeoutError:
                return False
        return True

    def stream_error(self):
        match = STREAM_ERROR.search(self.received)
        return match.group(1) if match else None

    def sasl_failures(self):
        return SASL_FAILURE.findall(self.received)

    def close(self):
        try:
            self.writer.transport.abort()
        except Exception:
            pass

    # MARK: the stream

    async def open_stream(self, domain, timeout=10):
        start = len(self.received)
        self.send(STREAM_HEADER.format(domain=domain))
        await self.read_until("</stream:features>", timeout, start)

    async def authenticate(self, user, password, domain, timeout=10):
        """SCRAM-SHA-1 (RFC 5802); True on success, False on a SASL failure."""
        nonce = base64.b64encode(os.urandom(18)).decode()
        first_bare = f"n={user},r={nonce}"
        start = len(self.received)
        self.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='SCRAM-SHA-1'>"
                  + base64.b64encode(("n,," + first_bare).encode()).decode() + "</auth>")
        end = await self.read_until(re.compile(r"</challenge>|</failure>|<failure[^>]*/>"), timeout, start)
        answer = self.received[start:end]
        if "<challenge" not in answer:
            failures = SASL_FAILURE.findall(answer)
            self.last_sasl_failure = failures[-1] if failures else None
            return False
        server_first = base64.b64decode(re.search(r"<challenge[^>]*>([^<]*)</challenge>", answer).group(1)).decode()
        fields = dict(part.split("=", 1) for part in server_first.split(","))
        without_proof = f"c=biws,r={fields['r']}"
        if password is None:
            proof = os.urandom(20)
        else:
            key = (password, fields["s"], int(fields["i"]))
            if key not in _salted:
                _salted[key] = hashlib.pbkdf2_hmac("sha1", password.encode(), base64.b64decode(fields["s"]), int(fields["i"]))
            client_key = hmac.new(_salted[key], b"Client Key", hashlib.sha1).digest()
            stored_key = hashlib.sha1(client_key).digest()
            message = f"{first_bare},{server_first},{without_proof}".encode()
            signature = hmac.new(stored_key, message, hashlib.sha1).digest()
            proof = bytes(a ^ b for a, b in zip(client_key, signature))
        start = end
        self.send("<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                  + base64.b64encode(f"{without_proof},p={base64.b64encode(proof).decode()}".encode()).decode()
                  + "</response>")
        end = await self.read_until(re.compile(r"</success>|<success[^>]*/>|</failure>"), timeout, start)
        failures = SASL_FAILURE.findall(self.received[start:end])
        self.last_sasl_failure = failures[-1] if failures else None
        return "<success" in self.received[start:end]

    async def bind(self, resource, timeout=10):
        """Binds `resource`; returns the full JID."""
        start = len(self.received)
        self.send("<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                  f"<resource>{resource}</resource></bind></iq>")
        end = await self.read_until("</iq>", timeout, start)
        return re.search(r"<jid>([^<]+)</jid>", self.received[start:end]).group(1)

    async def login(self, user, password, domain, resource, timeout=10):
        """Stream, SCRAM-SHA-1, restart, bind: the full JID. Like a real
        client, tries again (up to 3 times, a second apart) when the server
        answers `temporary-auth-failure` (storage did not answer in time)."""
        await self.open_stream(domain, timeout)
        for attempt in range(3):
            if await self.authenticate(user, password, domain, timeout):
                break
            if self.last_sasl_failure != "temporary-auth-failure" or attempt == 2:
                raise RuntimeError(f"{user}@{domain}: authentication failed ({self.last_sasl_failure})")
            self.login_retries += 1
            await asyncio.sleep(1)
        await self.open_stream(domain, timeout)
        return await self.bind(resource, timeout)
