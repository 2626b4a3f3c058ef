"""Serving the sandbox with uvicorn on loopback: in the foreground, or in a thread for tests."""

from __future__ import annotations

import errno
import socket
import threading
import time
from typing import Any, Self

import uvicorn
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from ._app import DROP, SandboxApp, create_app
from ._data import DEFAULT_API_KEY


class _Protocol(HttpToolsProtocol):
    """uvicorn's HTTP/1.1 protocol with one ASGI extension, ``DROP``: an app that sends a
    message of that type has the connection closed unanswered, as a lost answer looks to the
    client; the app then sees ``http.disconnect`` and ends as it would for any disconnect, so
    no error is logged."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.app = self._with_drop(self.app)

    def connection_made(self, transport: Any) -> None:
        # An answer goes out in two writes (head, body): without TCP_NODELAY the second
        # waits for the client's delayed ACK, some 40 ms on every request.
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)

    def _with_drop(self, app: ASGIApp) -> ASGIApp:
        async def with_drop(scope: Scope, receive: Receive, send: Send) -> None:
            scope.setdefault("extensions", {})[DROP] = {}

            async def sending(message: Message) -> None:
                if message["type"] == DROP:
                    self.transport.close()
                else:
                    await send(message)

            await app(scope, receive, sending)

        return with_drop


def _config(app: SandboxApp, host: str, port: int, log_level: str) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        lifespan="off",
        access_log=False,
        http=_Protocol,
    )


class SandboxServer:
    """The sandbox served on a free loopback port in a background thread.

    with SandboxServer() as server:
        client = Orchestra(api_key=server.api_key, base_url=server.base_url)
    """

    def __init__(
        self,
        app: SandboxApp | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        log_level: str = "warning",
    ) -> None:
        self.app = app or create_app()
        self.host = host
        self._server = uvicorn.Server(_config(self.app, host, port, log_level))
        self._thread: threading.Thread | None = None
        self.port = port

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_key(self) -> str:
        return next(iter(sorted(self.app.api_keys)), DEFAULT_API_KEY)

    def start(self, timeout: float = 10.0) -> Self:
        self._thread = threading.Thread(
            target=self._server.run, name="orchestra-sandbox", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the Orchestra sandbox did not start")
            time.sleep(0.01)
        sockets: Any = self._server.servers[0].sockets
        self.port = int(sockets[0].getsockname()[1])
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class BindError(OSError):
    """The sandbox cannot listen where asked (the port is taken, not allowed, or the host is
    not an address of this machine); the message says which, and what to do."""


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host``:``port`` (``port`` 0: a free one).

    Raises:
        BindError: a one-line message naming the address and what to do instead.
    """
    where = f"{host}:{port}"
    try:
        family, *_ = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        return socket.create_server((host, port), family=family)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise BindError(
                exc.errno,
                f"port {port} is already in use on {host} (is another sandbox running?); "
                f"pass another port (--port {port + 1 if port < 65535 else 8765}), "
                "or --port 0 for a free one",
            ) from None
        if exc.errno == errno.EACCES:
            raise BindError(
                exc.errno,
                f"not allowed to listen on {where}; pass a port above 1023, "
                "or --port 0 for a free one",
            ) from None
        reason = exc.strerror or str(exc)
        raise BindError(exc.errno, f"cannot listen on {where}: {reason}") from None
    except OverflowError:
        raise BindError(
            errno.EINVAL, f"port {port} is not a TCP port; pass 1 to 65535, or 0 for a free one"
        ) from None


def serve(*, host: str = "127.0.0.1", port: int = 8765, api_key: str = DEFAULT_API_KEY) -> None:
    """Serve in the foreground until interrupted; ``port`` 0 picks a free port (printed).

    Raises:
        BindError: before anything is printed, when it cannot listen there.
    """
    sock = bind(host, port)
    port = int(sock.getsockname()[1])
    app = create_app(api_keys=[api_key])
    print(f"Orchestra sandbox on http://{host}:{port}", flush=True)
    print(f"  accepts X-Api-Key: {api_key}", flush=True)
    print(f"  try: ORCHESTRA_BASE_URL=http://{host}:{port} ORCHESTRA_API_KEY={api_key}", flush=True)
    with sock:
        uvicorn.Server(_config(app, host, port, "info")).run(sockets=[sock])
