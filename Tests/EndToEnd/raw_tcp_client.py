"""A small asyncio XMPP client over plain TCP for load drills: stream open,
SASL SCRAM-SHA-1 without TLS (the cluster must run with tls_required=false),
restart, bind, initial presence (done when the server echoes it, RFC 6121
§4.2.2). Hundreds of these run in one Python process; after login every
stanza goes to `on_stanza(element)`. slixmpp (xmpp.py) is the client for
feature tests; this one only does what a drill needs, cheaply."""

import asyncio
import xml.etree.ElementTree as ET

from scram_client import ScramSha1

SASL = "urn:ietf:params:xml:ns:xmpp-sasl"
BIND = "urn:ietf:params:xml:ns:xmpp-bind"


def local(tag):
    return tag.rsplit("}", 1)[-1]


class StreamReader:
    """Top-level elements of an XMPP stream, as they complete (depth 1)."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.parser = ET.XMLPullParser(events=("start", "end"))
        self.depth = 0
        self.root = None

    def feed(self, data):
        self.parser.feed(data)
        out = []
        for event, element in self.parser.read_events():
            if event == "start":
                if self.depth == 0:
                    self.root = element
                self.depth += 1
            else:
                self.depth -= 1
                if self.depth == 1:
                    out.append(element)
                    self.root.remove(element)
                elif self.depth == 0:
                    raise ConnectionError("the server closed the stream")
        return out


class RawTcpClient:
    kind = "c2s"

    def __init__(self, host, port, domain, user, password, resource="drill", timeout=30.0):
        self.host, self.port, self.domain = host, port, domain
        self.user, self.password, self.resource = user, password, resource
        self.bare = f"{user}@{domain}"
        self.full_jid = None
        self.timeout = timeout
        self.on_stanza = lambda element: None
        self.online = False
        self._reader = self._writer = None
        self._stream = StreamReader()
        self._inbox = asyncio.Queue()
        self._task = None
        self.closed = False

    async def login(self):
        self._reader, self._writer = await asyncio.wait_for(asyncio.open_connection(self.host, self.port), self.timeout)
        self._task = asyncio.get_running_loop().create_task(self._read_loop())
        await asyncio.wait_for(self._negotiate(), self.timeout)
        return self

    async def _negotiate(self):
        self._open()
        features = await self._next("features")
        mechanisms = [m.text for m in features.iter() if local(m.tag) == "mechanism"]
        if "SCRAM-SHA-1" not in mechanisms:
            raise ConnectionError(f"no SCRAM-SHA-1 among {mechanisms} (tls_required?)")
        scram = ScramSha1(self.user, self.password)
        self.send(f"<auth xmlns='{SASL}' mechanism='SCRAM-SHA-1'>{scram.client_first()}</auth>")
        challenge = await self._next("challenge", "failure")
        if local(challenge.tag) == "failure":
            raise ConnectionError(f"SASL failure for {self.bare}")
        self.send(f"<response xmlns='{SASL}'>{scram.client_final(challenge.text)}</response>")
        success = await self._next("success", "failure")
        if local(success.tag) == "failure":
            raise ConnectionError(f"SASL failure for {self.bare}")
        scram.verify(success.text)
        self._stream.reset()  # RFC 6120 §6.4.6: a new stream on the same connection
        self._open()
        await self._next("features")
        self.send(f"<iq type='set' id='bind'><bind xmlns='{BIND}'><resource>{self.resource}</resource></bind></iq>")
        bound = await self._next("iq")
        jid = next((e.text for e in bound.iter() if local(e.tag) == "jid"), None)
        if bound.get("type") != "result" or not jid:
            raise ConnectionError(f"bind refused for {self.bare}")
        self.full_jid = jid
        self.send("<presence/>")
        while True:
            echo = await self._next("presence")
            if echo.get("from") == self.full_jid and echo.get("type") is None:
                self.online = True  # from here on, stanzas go to on_stanza
                return

    def _open(self):
        self.send(f"<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream="
                  f"'http://etherx.jabber.org/streams' to='{self.domain}' version='1.0'>")

    async def _next(self, *names):
        """The next stanza during negotiation whose name is one of `names`."""
        while True:
            element = await self._inbox.get()
            if isinstance(element, Exception):
                raise element
            if local(element.tag) == "error":
                raise ConnectionError(f"stream error {[local(c.tag) for c in element]} for {self.bare}")
            if local(element.tag) in names:
                return element

    async def _read_loop(self):
        try:
            while True:
                data = await self._reader.read(65536)
                if not data:
                    raise ConnectionError("connection closed")
                for element in self._stream.feed(data):
                    if self.online and self._inbox.empty():
                        self._dispatch(element)
                    else:
                        self._inbox.put_nowait(element)
                if self.online:
                    while not self._inbox.empty():
                        self._dispatch(self._inbox.get_nowait())
        except (ConnectionError, ET.ParseError, OSError) as error:
            self.closed = True
            self._inbox.put_nowait(ConnectionError(f"{self.bare}: {error}"))

    def _dispatch(self, element):
        if isinstance(element, Exception):
            return
        if local(element.tag) == "iq" and element.get("type") == "get" and any(local(c.tag) == "ping" for c in element):
            self.send(f"<iq type='result' id='{element.get('id')}' to='{element.get('from', self.domain)}'/>")
            return
        self.on_stanza(element)

    def send(self, text):
        if not self.closed:
            self._writer.write(text.encode())

    async def close(self):
        if self._writer is not None and not self.closed:
            self.send("</stream:stream>")
            self.closed = True
            try:
                await asyncio.wait_for(self._writer.drain(), 5)
            except (OSError, asyncio.TimeoutError):
                pass
            self._writer.close()
        if self._task is not None:
            self._task.cancel()
