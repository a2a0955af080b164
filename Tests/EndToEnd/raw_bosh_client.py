"""A small asyncio BOSH client (XEP-0124/0206) for load drills, over HTTP/1.1
keep-alive connections to nginx: session creation, SASL SCRAM-SHA-1, restart,
bind, initial presence; then one request always held by the gateway for what
it delivers, and a second one when there is something to send (hold=1,
requests=2). Responses are handled in `rid` order (XEP-0124 §14), so the
client itself never reorders what the gateway sent. The `vroute` cookie is
sent from the first request on when `vroute` is given, so nginx pins the
session to that gateway; the gateway's Set-Cookie is recorded for checking."""

import asyncio
import random
import xml.etree.ElementTree as ET

from raw_tcp_client import BIND, SASL, local
from scram_client import ScramSha1

HTTPBIND = "http://jabber.org/protocol/httpbind"
XBOSH = "urn:xmpp:xbosh"


class HttpConnection:
    """One keep-alive HTTP/1.1 connection; reopened when the server closed it."""

    def __init__(self, host, port):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def post(self, path, body, cookie=None):
        for attempt in (0, 1):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            headers = (f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                       f"Content-Type: text/xml; charset=utf-8\r\nContent-Length: {len(body)}\r\n")
            if cookie:
                headers += f"Cookie: {cookie}\r\n"
            self.writer.write(headers.encode() + b"\r\n" + body)
            try:
                return await self._response()
            except (asyncio.IncompleteReadError, ConnectionError):
                self.close()
                if attempt == 1:
                    raise
        raise AssertionError("unreachable")

    async def _response(self):
        head = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(head[0].split()[1])
        headers = {}
        for line in head[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers.setdefault(name.strip().lower(), []).append(value.strip())
        if "chunked" in ",".join(headers.get("transfer-encoding", [])):
            body = b""
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                body += await self.reader.readexactly(size + 2)
                if size == 0:
                    break
                body = body[:-2]
        else:
            body = await self.reader.readexactly(int(headers.get("content-length", ["0"])[0]))
        if "close" in ",".join(headers.get("connection", [])).lower():
            self.close()
        return status, headers, body

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


class RawBoshClient:
    kind = "bosh"

    def __init__(self, host, port, path, domain, user, password, vroute=None, resource="drill", timeout=30.0, wait=30):
        self.host, self.port, self.path, self.domain = host, port, path, domain
        self.user, self.password, self.resource = user, password, resource
        self.bare = f"{user}@{domain}"
        self.full_jid = None
        self.vroute = vroute
        self.cookie_set = None  # the vroute value the gateway answered with
        self.timeout, self.wait = timeout, wait
        self.on_stanza = lambda element: None
        self.on_error = lambda error: None
        self.online = False
        self.closed = False
        self.sid = None
        self.rid = random.randint(1 << 20, 1 << 40)
        self._connections = [HttpConnection(host, port), HttpConnection(host, port)]
        self._idle = list(self._connections)
        self._outgoing = []
        self._outstanding = 0
        self._answers = {}
        self._next_answer = None
        self._tasks = set()

    # MARK: login, one request at a time

    async def login(self):
        await asyncio.wait_for(self._negotiate(), self.timeout)
        return self

    async def _negotiate(self):
        created = await self._exchange(
            f"<body content='text/xml; charset=utf-8' hold='1' rid='{self._take_rid()}' to='{self.domain}' "
            f"ver='1.6' wait='{self.wait}' xml:lang='en' xmpp:version='1.0' xmlns='{HTTPBIND}' xmlns:xmpp='{XBOSH}'/>")
        self.sid = created.get("sid")
        if not self.sid:
            raise ConnectionError(f"no BOSH session for {self.bare}: {ET.tostring(created)[:200]}")
        pending = list(created)
        features = await self._await(pending, "features")
        mechanisms = [m.text for m in features.iter() if local(m.tag) == "mechanism"]
        if "SCRAM-SHA-1" not in mechanisms:
            raise ConnectionError(f"no SCRAM-SHA-1 among {mechanisms}")
        scram = ScramSha1(self.user, self.password)
        pending = await self._step(f"<auth xmlns='{SASL}' mechanism='SCRAM-SHA-1'>{scram.client_first()}</auth>")
        challenge = await self._await(pending, "challenge", "failure")
        if local(challenge.tag) == "failure":
            raise ConnectionError(f"SASL failure for {self.bare}")
        pending = await self._step(f"<response xmlns='{SASL}'>{scram.client_final(challenge.text)}</response>")
        success = await self._await(pending, "success", "failure")
        if local(success.tag) == "failure":
            raise ConnectionError(f"SASL failure for {self.bare}")
        scram.verify(success.text)
        restarted = await self._exchange(
            f"<body rid='{self._take_rid()}' sid='{self.sid}' to='{self.domain}' xml:lang='en' xmpp:restart='true' "
            f"xmlns='{HTTPBIND}' xmlns:xmpp='{XBOSH}'/>")
        pending = list(restarted)
        await self._await(pending, "features")
        pending = await self._step(
            f"<iq xmlns='jabber:client' type='set' id='bind'><bind xmlns='{BIND}'>"
            f"<resource>{self.resource}</resource></bind></iq>")
        bound = await self._await(pending, "iq")
        jid = next((e.text for e in bound.iter() if local(e.tag) == "jid"), None)
        if bound.get("type") != "result" or not jid:
            raise ConnectionError(f"bind refused for {self.bare}")
        self.full_jid = jid
        pending = await self._step("<presence xmlns='jabber:client'/>")
        while True:
            echo = await self._await(pending, "presence")
            if echo.get("from") == self.full_jid and echo.get("type") is None:
                break
        self.online = True
        self._next_answer = self.rid
        for element in pending:
            self.on_stanza(element)
        self._pump()

    def _take_rid(self):
        rid = self.rid
        self.rid += 1
        return rid

    def _cookie(self):
        return f"vroute={self.vroute}" if self.vroute else None

    async def _exchange(self, body, connection=None):
        connection = connection or self._idle[0]
        status, headers, payload = await connection.post(self.path, body.encode(), self._cookie())
        for cookie in headers.get("set-cookie", []):
            if cookie.startswith("vroute="):
                self.cookie_set = cookie.split(";", 1)[0][len("vroute="):]
                self.vroute = self.vroute or self.cookie_set
        if status != 200:
            raise ConnectionError(f"HTTP {status} for {self.bare}")
        element = ET.fromstring(payload)
        if element.get("type") == "terminate":
            raise ConnectionError(f"BOSH session of {self.bare} terminated: {element.get('condition')}")
        return element

    async def _step(self, payload):
        answer = await self._exchange(f"<body rid='{self._take_rid()}' sid='{self.sid}' xmlns='{HTTPBIND}'>{payload}</body>")
        return list(answer)

    async def _await(self, pending, *names):
        """The next element named one of `names`, polling while none came."""
        while True:
            while pending:
                element = pending.pop(0)
                if local(element.tag) == "error":
                    raise ConnectionError(f"stream error for {self.bare}")
                if local(element.tag) in names:
                    return element
            pending.extend(await self._step(""))

    # MARK: online: a held request, and one more to send

    def send(self, text):
        if not self.closed:
            self._outgoing.append(text)
            self._pump()

    def _pump(self):
        while not self.closed and self._outstanding < 2 and (self._outgoing or self._outstanding == 0):
            payload, self._outgoing = "".join(self._outgoing), []
            rid = self._take_rid()
            self._outstanding += 1
            connection = self._idle.pop()
            task = asyncio.get_running_loop().create_task(self._request(rid, payload, connection))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _request(self, rid, payload, connection):
        try:
            answer = await self._exchange(
                f"<body rid='{rid}' sid='{self.sid}' xmlns='{HTTPBIND}'>{payload}</body>", connection)
        except Exception as error:  # noqa: BLE001 - any failure ends the session for the drill
            answer = error
        self._idle.append(connection)
        self._outstanding -= 1
        self._answers[rid] = answer
        while self._next_answer in self._answers:
            current = self._answers.pop(self._next_answer)
            self._next_answer += 1
            if isinstance(current, Exception):
                if not self.closed:
                    self.closed = True
                    self.on_error(current)
                continue
            for element in current:
                self._dispatch(element)
        self._pump()

    def _dispatch(self, element):
        if local(element.tag) == "iq" and element.get("type") == "get" and any(local(c.tag) == "ping" for c in element):
            self.send(f"<iq xmlns='jabber:client' type='result' id='{element.get('id')}' to='{element.get('from', self.domain)}'/>")
            return
        self.on_stanza(element)

    async def close(self):
        if self.sid and not self.closed:
            self.closed = True
            self._connections.append(HttpConnection(self.host, self.port))
            try:
                await asyncio.wait_for(self._exchange(
                    f"<body rid='{self._take_rid()}' sid='{self.sid}' type='terminate' xmlns='{HTTPBIND}'>"
                    "<presence xmlns='jabber:client' type='unavailable'/></body>", self._connections[-1]), 5)
            except (Exception, asyncio.TimeoutError):  # noqa: BLE001 - closing is best effort
                pass
        self.closed = True
        for task in list(self._tasks):
            task.cancel()
        for connection in self._connections:
            connection.close()
