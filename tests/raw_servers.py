"""Loopback HTTP servers written by hand, for faults no well-behaved server produces:

- ``ForwardingProxy``: a reverse proxy (in a thread) in front of the sandbox that forwards every
  request and, when told, answers the way Envoy, nginx or an app server does after the upstream
  already did the work (a text/plain 503, an HTML 502, a JSON 500).
- ``OneShotServer``: answers each request completely and correctly, then, when the test says
  so, closes the connection without having said so (no ``Connection: close``): a keep-alive
  connection that is stale by the time the client reuses it.
- ``AsyncRawServer``: runs in the test's own event loop and answers in a ``mode`` the test sets
  (a body cut mid-read, a bad gzip body, a body that stalls, a normal charge answer).

All listen on 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import socket
import socketserver
import threading
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal, Self

import httpx

CHARGE_ANSWER: dict[str, Any] = {
    "operationType": "Charge",
    "operationResultCode": "Success",
    "amount": 10.0,
    "currency": "USD",
    "gatewayName": "NULLSuccess",
    "gatewayReference": "SBX-RAW-0001",
    "gatewayResultCode": "00",
    "gatewayResultDescription": "Approved",
}

ENVOY_503 = b"upstream connect error or disconnect/reset before headers. reset reason: overflow"
NGINX_502 = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)
APP_500 = b'{"Message":"An error has occurred."}'


@dataclass(frozen=True)
class ProxyAnswer:
    """What the proxy says instead of the upstream's answer (after forwarding the request)."""

    status: int
    content_type: str
    body: bytes


PROXY_ANSWERS = {
    503: ProxyAnswer(503, "text/plain", ENVOY_503),
    502: ProxyAnswer(502, "text/html", NGINX_502),
    500: ProxyAnswer(500, "application/json; charset=utf-8", APP_500),
}

_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "host", "content-length"}


class _ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _ProxyHTTPServer

    def _forward(self) -> None:
        proxy = self.server.proxy
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
        connection = http.client.HTTPConnection(
            proxy.upstream_host, proxy.upstream_port, timeout=10
        )
        try:
            connection.request(self.command, self.path, body=body, headers=headers)
            upstream = connection.getresponse()
            content = upstream.read()
        finally:
            connection.close()
        answer = proxy.take(self.command, self.path)
        with proxy.lock:
            proxy.seen.append((self.command, self.path, upstream.status, answer is not None))
        if answer is None:
            answer = ProxyAnswer(
                upstream.status, upstream.getheader("Content-Type", "application/json"), content
            )
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        self.wfile.write(answer.body)

    do_GET = do_POST = do_PUT = do_DELETE = _forward

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _ProxyHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    proxy: ForwardingProxy


class ForwardingProxy:
    """Forwards to ``upstream``; ``answer_after_forwarding("POST", "/PaymentGateway/charge",
    PROXY_ANSWERS[503])`` makes the next such request reach the upstream and get the proxy's
    answer instead of the upstream's."""

    def __init__(self, upstream: str) -> None:
        url = httpx.URL(upstream)
        self.upstream_host = url.host
        self.upstream_port = url.port or 80
        self.lock = threading.Lock()
        self.seen: list[tuple[str, str, int, bool]] = []  # method, path, upstream status, replaced
        self._answers: dict[tuple[str, str], deque[ProxyAnswer]] = {}
        self._server = _ProxyHTTPServer(("127.0.0.1", 0), _ProxyHandler)
        self._server.proxy = self
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def answer_after_forwarding(
        self, method: str, path: str, answer: ProxyAnswer, times: int = 1
    ) -> None:
        with self.lock:
            self._answers.setdefault((method, path), deque()).extend([answer] * times)

    def take(self, method: str, path: str) -> ProxyAnswer | None:
        with self.lock:
            queue = self._answers.get((method, path))
            return queue.popleft() if queue else None

    def __enter__(self) -> Self:
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


def _read_request(sock: socket.socket) -> bytes | None:
    """One HTTP/1.1 request (head and Content-Length body), or None at end of stream."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        rest += chunk
    return head + b"\r\n\r\n" + rest


def json_answer(body: Any, *, extra_headers: bytes = b"") -> bytes:
    content = json.dumps(body).encode()
    return (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        + extra_headers
        + b"Content-Length: "
        + str(len(content)).encode()
        + b"\r\n\r\n"
        + content
    )


class _OneShotHandler(socketserver.BaseRequestHandler):
    server: _OneShotTCPServer

    def handle(self) -> None:
        sock: socket.socket = self.request
        request = _read_request(sock)
        if request is None:
            return
        with self.server.lock:
            self.server.requests.append(request)
        sock.sendall(json_answer(CHARGE_ANSWER))  # HTTP/1.1, Content-Length, keep-alive implied
        self.server.may_close.acquire(timeout=10.0)
        sock.close()  # ...and gone, without a word
        with self.server.closed:
            self.server.closes += 1
            self.server.closed.notify_all()


class _OneShotTCPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _OneShotHandler)
        self.lock = threading.Lock()
        self.requests: list[bytes] = []
        self.closed = threading.Condition()
        self.closes = 0
        self.may_close = threading.Semaphore(0)


class OneShotServer:
    """A complete, valid charge answer on each connection; the connection is then closed when
    the test says so (``close_idle_connection``), without ``Connection: close`` ever said."""

    def __init__(self) -> None:
        self._server = _OneShotTCPServer()
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def requests(self) -> list[bytes]:
        with self._server.lock:
            return list(self._server.requests)

    def close_idle_connection(self, timeout: float) -> bool:
        """Close the connection of the last answer, and block until it is closed: its end of
        stream is then in the client's socket, whether or not the client's event loop has
        looked yet (the caller blocks its loop on purpose, as a busy application does)."""
        with self._server.closed:
            target = self._server.closes + 1
            self._server.may_close.release()
            return self._server.closed.wait_for(lambda: self._server.closes >= target, timeout)

    def __enter__(self) -> Self:
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.may_close.release(100)
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


Mode = Literal["cut", "bad_gzip", "stall", "ok"]


class AsyncRawServer:
    """Answers in the current ``mode``, in the test's event loop:

    - ``cut``: 200 with ``Content-Length: 100``, 10 bytes of body, then the connection closes;
    - ``bad_gzip``: 200, ``Content-Encoding: gzip``, a body that is not gzip (kept alive);
    - ``stall``: 200 with ``Content-Length: 100`` and 10 bytes, then nothing (``headers_sent``
      is set) until the client goes away;
    - ``ok``: a complete charge answer (kept alive).
    """

    def __init__(self) -> None:
        self.mode: Mode = "ok"
        self.requests: list[bytes] = []
        self.headers_sent = asyncio.Event()
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def _request(self, reader: asyncio.StreamReader) -> bytes | None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            return None
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        try:
            return head + await reader.readexactly(length)
        except (asyncio.IncompleteReadError, ConnectionError):
            return None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            while (request := await self._request(reader)) is not None:
                self.requests.append(request)
                if not await self._answer(self.mode, reader, writer):
                    break
        except ConnectionError:
            pass
        finally:
            self._writers.discard(writer)
            writer.close()

    async def _answer(
        self, mode: Mode, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        """Answer one request; False when the connection is to be closed."""
        partial = (
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
            b'{"operatio'  # 10 of the 100 bytes announced
        )
        if mode == "cut":
            writer.write(partial)
            await writer.drain()
            return False
        if mode == "stall":
            writer.write(partial)
            await writer.drain()
            self.headers_sent.set()
            with contextlib.suppress(ConnectionError):
                await reader.read()  # until the client closes its end
            return False
        if mode == "bad_gzip":
            garbage = b"\x1f\x8b\x08\x00 this is not a gzip stream at all"
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                b"Content-Encoding: gzip\r\nContent-Length: "
                + str(len(garbage)).encode()
                + b"\r\n\r\n"
                + garbage
            )
            await writer.drain()
            return True
        writer.write(json_answer(CHARGE_ANSWER))
        await writer.drain()
        return True

    async def __aenter__(self) -> Self:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        return self

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for writer in list(self._writers):
            writer.transport.abort()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._server.wait_closed(), 2.0)
