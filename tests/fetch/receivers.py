"""Local receivers for the alert tests: an HTTP endpoint for Apprise's json:// and an SMTP server (aiosmtpd),
both on 127.0.0.1, started and stopped by the tests themselves."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _JsonHandler(BaseHTTPRequestHandler):
    server: _JsonServer

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.server.down:  # a service having a bad day: the alert is refused, nothing kept
            self.send_response(503)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.server.received.append({"path": self.path, **json.loads(body)})
        time.sleep(self.server.slow)  # a service that takes its time to answer
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()


class _JsonServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _JsonHandler)
        self.received: list[dict[str, Any]] = []
        self.down = False
        self.slow = 0.0


@contextmanager
def json_receiver() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """Yields the json:// URL to notify and the list the posted messages land in."""
    with json_service() as (url, received, _):
        yield url, received


@contextmanager
def json_service() -> Iterator[tuple[str, list[dict[str, Any]], _JsonServer]]:
    """`json_receiver`, and the server, whose `down` makes it refuse alerts until set back and whose `slow` (seconds)
    delays each answer."""
    server = _JsonServer()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"json://127.0.0.1:{server.server_address[1]}/alerts", server.received, server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class _Mailbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.original_content or envelope.content))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def smtp_receiver() -> Iterator[tuple[str, list[Message]]]:
    """Yields a mailto:// URL for a plain local SMTP server and the list of messages it accepted."""
    from aiosmtpd.controller import Controller

    mailbox = _Mailbox()
    port = _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, ready_timeout=5)
    controller.start()
    try:
        url = f"mailto://127.0.0.1:{port}?from=alerts@example.com&to=seller@example.com&mode=insecure"
        yield url, mailbox.messages
    finally:
        controller.stop()
