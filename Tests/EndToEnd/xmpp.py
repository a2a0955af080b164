"""slixmpp clients for the end-to-end tests: real XMPP over TCP (STARTTLS or
direct TLS) to the launcher's c2s, plus a raw socket for bytes no client sends."""

import asyncio
import socket
import ssl
import time
import uuid

import slixmpp
from slixmpp.plugins.xep_0198 import stanza as sm_stanza
from slixmpp.xmlstream import ET

TIMEOUT = 10.0


def _insecure_context():
    # The launcher's certificate is self-signed for the test domain.
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


class Client(slixmpp.ClientXMPP):
    """A slixmpp client that records what it receives in queues."""

    def __init__(self, jid, password, mechanism="SCRAM-SHA-1", direct_tls=False):
        super().__init__(jid, password, sasl_mech=mechanism)
        self.ssl_context = _insecure_context()
        self.enable_plaintext = False
        self.enable_starttls = not direct_tls
        self.enable_direct_tls = direct_tls
        self.register_plugin("xep_0030")
        self.register_plugin("xep_0199")
        self.register_plugin("xep_0203")
        self.messages = asyncio.Queue()
        self.presences = asyncio.Queue()
        self.started = asyncio.get_event_loop().create_future()
        self.ended = asyncio.get_event_loop().create_future()
        self.stream_errors = []
        self.add_event_handler("session_start", self._on_start)
        self.add_event_handler("failed_all_auth", lambda _: self._fail("auth failed"))
        self.add_event_handler("message", lambda m: self.messages.put_nowait(m))
        self.add_event_handler("presence", lambda p: self.presences.put_nowait(p))
        self.add_event_handler("stream_error", lambda e: self.stream_errors.append(e["condition"]))
        self.add_event_handler("disconnected", lambda _: self._end())
        # Subscription requests are answered by the test, not automatically.
        self.auto_authorize = None
        self.auto_subscribe = False

    async def _on_start(self, _):
        if not self.started.done():
            self.started.set_result(True)

    def _fail(self, reason):
        if not self.started.done():
            self.started.set_exception(RuntimeError(reason))

    def _end(self):
        if not self.ended.done():
            self.ended.set_result(True)
        self._fail("disconnected before the session started")

    async def login(self, cluster, presence=True, c2s_index=0):
        c2s = cluster.process("c2s", c2s_index)
        port = c2s["tls_port"] if self.enable_direct_tls else c2s["port"]
        self.connect(c2s["host"], port)
        await asyncio.wait_for(self.started, TIMEOUT)
        if presence:
            await self.get_roster(timeout=TIMEOUT)
            self.send_presence()
        return self

    async def next_message(self, timeout=TIMEOUT, body=None):
        while True:
            message = await asyncio.wait_for(self.messages.get(), timeout)
            if body is None or message["body"] == body:
                return message

    async def next_presence(self, sender=None, ptype=None, timeout=TIMEOUT):
        """The next presence from `sender` (bare or full JID) of `ptype`."""
        while True:
            presence = await asyncio.wait_for(self.presences.get(), timeout)
            frm = str(presence["from"])
            if sender and frm != sender and frm.split("/")[0] != sender:
                continue
            if ptype and presence["type"] != ptype:
                continue
            return presence

    async def close(self):
        if not self.ended.done():
            self.disconnect()
            try:
                await asyncio.wait_for(self.ended, TIMEOUT)
            except asyncio.TimeoutError:
                pass


class ManagedClient(Client):
    """A slixmpp client with stream management (resumption asked for)."""

    def __init__(self, jid, password, max_seconds=None, **kwargs):
        super().__init__(jid, password, **kwargs)
        self.register_plugin("xep_0198")
        self.resumed = asyncio.get_event_loop().create_future()
        self.failures = []
        self.add_event_handler("session_resumed", self._on_resumed)
        self.add_event_handler("sm_failed", lambda failed: self.failures.append(failed))
        if max_seconds is not None:
            def ask_for_max(stanza):
                if isinstance(stanza, sm_stanza.Enable):
                    stanza["max"] = str(max_seconds)
                return stanza
            self.add_filter("out", ask_for_max)

    def _on_resumed(self, _):
        if not self.resumed.done():
            self.resumed.set_result(time.monotonic())

    @property
    def sm(self):
        return self.plugin["xep_0198"]

    async def wait_enabled(self):
        await asyncio.wait_for(self._until(lambda: self.sm.sm_id is not None), 10)

    async def _until(self, predicate):
        while not predicate():
            await asyncio.sleep(0.02)

    def cut(self):
        """The network goes: no closing tag, no FIN handshake the server waits for."""
        self.transport.abort()

    async def resume_on(self, cluster, c2s_index):
        self.ended = asyncio.get_event_loop().create_future()
        c2s = cluster.process("c2s", c2s_index)
        self.connect(c2s["host"], c2s["port"])
        return await asyncio.wait_for(self.resumed, 15)

    async def bodies(self, count, timeout=15):
        received = []
        while len(received) < count:
            received.append((await self.next_message(timeout=timeout))["body"])
        return received


def iq(client, kind, payload):
    """Sends an IQ of type `kind` carrying `payload` (XML text); awaiting the
    result raises slixmpp's IqError for an error reply."""
    request = client.Iq(stype=kind)
    request.append(ET.fromstring(payload))
    return request.send(timeout=TIMEOUT)


async def logged_in(cluster, jid, password, c2s_index=0, **kwargs):
    return await Client(jid, password, **kwargs).login(cluster, c2s_index=c2s_index)


async def subscribe_both_ways(a, b):
    """a and b end up with subscription 'both'."""
    for one, other in ((a, b), (b, a)):
        one.send_presence(pto=other.boundjid.bare, ptype="subscribe")
        await other.next_presence(sender=one.boundjid.bare, ptype="subscribe")
        other.send_presence(pto=one.boundjid.bare, ptype="subscribed")
        await one.next_presence(sender=other.boundjid.bare, ptype="subscribed")


# MARK: raw streams


class RawStream:
    """A plain TCP connection to c2s for input no client library sends."""

    def __init__(self, cluster, domain="localhost"):
        c2s = cluster.process("c2s", 0)
        self.socket = socket.create_connection((c2s["host"], c2s["port"]), timeout=TIMEOUT)
        self.domain = domain

    def open(self):
        self.send(f"<?xml version='1.0'?><stream:stream to='{self.domain}' xmlns='jabber:client' "
                  "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>")
        return self

    def send(self, text):
        self.socket.sendall(text.encode() if isinstance(text, str) else text)

    def read_until_closed(self, limit=1 << 20):
        """Everything the server writes until it closes the connection."""
        data = b""
        while len(data) < limit:
            try:
                chunk = self.socket.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            data += chunk
        self.socket.close()
        return data.decode(errors="replace")


def unique(prefix):
    return f"{prefix}{uuid.uuid4().hex[:8]}"
