"""strophe.js in headless Chromium, through nginx and the BOSH gateways: the
harness page reports every event to a small HTTP collector run by the test."""

import asyncio
import contextlib
import json
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from xmpp import logged_in

HARNESS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "web", "strophe-harness.html")


class Collector:
    """Receives the page's reports (POSTed JSON) on a loopback port."""

    def __init__(self, host):
        self.events = queue.Queue()
        events = self.events

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                try:
                    events.put(json.loads(self.rfile.read(length)))
                except ValueError:
                    pass
                self.send_response(204)
                self.send_header("Access-Control-Allow-Origin", "*")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.url = f"http://{host}:{self.server.server_address[1]}/report"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def wait(self, predicate, timeout=30, what="an event"):
        deadline = time.monotonic() + timeout
        seen = []
        while time.monotonic() < deadline:
            try:
                event = self.events.get(timeout=max(0.05, deadline - time.monotonic()))
            except queue.Empty:
                break
            seen.append(event)
            if predicate(event):
                return event
        raise AssertionError(f"timed out waiting for {what}; the page reported {seen}")

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Browser:
    """One headless Chromium on one page; stopped by PID."""

    def __init__(self, url):
        self.profile = tempfile.mkdtemp(prefix="trellis-chromium-")
        binary = shutil.which("chromium") or shutil.which("chromium-browser")
        assert binary, "chromium is not installed (scripts/install-deps installs it)"
        self.process = subprocess.Popen(
            [binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage",
             f"--user-data-dir={self.profile}", "--remote-debugging-port=0", url],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)

    def close(self):
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)


def harness_url(cluster, jid, password, collector, transport="bosh"):
    nginx = cluster.process("nginx", 0)
    query = urllib.parse.urlencode({"jid": jid, "password": password, "report": collector.url, "transport": transport})
    return f"http://{nginx['host']}:{nginx['port']}/strophe-harness.html?{query}"


def chat_with_page(cluster, collector, web_jid, tcp_jid, password, body):
    """A slixmpp user sends `body` to the page's account and gets the page's
    echo back (client → page → client); the page reports what it received."""
    async def scenario():
        tcp = await logged_in(cluster, tcp_jid, password)
        try:
            tcp.send_message(mto=web_jid, mbody=body, mtype="chat")
            echo = await tcp.next_message(body=f"echo: {body}", timeout=20)
            assert str(echo["from"]).startswith(web_jid + "/")
        finally:
            await tcp.close()

    asyncio.run(asyncio.wait_for(scenario(), 90))
    received = collector.wait(lambda e: e["event"] == "message", 5, "the page to report the message")
    assert received["body"] == body
    return received


@contextlib.contextmanager
def page_opener(cluster, collector_host, transport="bosh"):
    """Yields `open_page(jid, password)`: a harness page in headless Chromium,
    logged in over `transport`, reporting to a collector on `collector_host`;
    returns the collector. Every page and collector opened is closed after."""
    opened = []

    def open_page(jid, password):
        collector = Collector(collector_host)
        browser = Browser(harness_url(cluster, jid, password, collector, transport=transport))
        opened.append((browser, collector))
        return collector

    try:
        yield open_page
    finally:
        for browser, collector in opened:
            browser.close()
            collector.close()

