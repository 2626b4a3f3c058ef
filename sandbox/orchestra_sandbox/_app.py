"""The ASGI app: the API's 19 operations plus sandbox-only control routes under /_sandbox."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from ._data import DEFAULT_API_KEY, GATEWAYS
from ._faults import Fault, FaultError, Faults
from ._state import Answer, Engine
from ._validate import MAX_BODY_BYTES, Invalid, parse_body

DROP = "orchestra_sandbox.drop"
Handler = Callable[[Request, Any], Answer]

HTML_502 = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)


class _Drop(Response):
    """Send nothing; the outer app then has the server close the connection."""

    def __init__(self) -> None:
        super().__init__(status_code=500)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope[DROP] = True


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    if body is None:
        return Response(status_code=status, headers=headers)
    return JSONResponse(body, status_code=status, headers=headers)


async def _read_capped(request: Request) -> bytes | None:
    """The request body, or None when it is larger than MAX_BODY_BYTES (not read further)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large() -> Response:
    # Connection: close, as the unread rest of the body cannot be skipped reliably.
    return _json(
        413,
        {"fieldName": "body", "errors": [f"The body is larger than {MAX_BODY_BYTES} bytes."]},
        {"Connection": "close"},
    )


DEEP_NESTING = b"[" * 100_000 + b"]" * 100_000


@dataclass
class _LateCommit:
    """An operation whose answer was lost, landing at ``due`` on the sandbox's clock."""

    due: float
    generation: int
    handler: Handler
    request: Request
    raw: bytes | None  # the request body, parsed when the operation lands


def _unknown_enum(body: Any, fields: dict[str, Any] | None) -> Any:
    if not isinstance(body, dict):
        return body
    changes = fields or {"operationType": "Reauthorization", "currency": "XBT"}
    return {**body, **{k: v for k, v in changes.items() if k in body or fields}}


class SandboxApp:
    """An ASGI app emulating Orchestra's documented sandbox, with fault injection.

    Args:
        api_keys: the keys accepted in ``X-Api-Key``.
        engine: the behaviour and state (a fresh one by default).
        clock: when late commits land (``time.monotonic`` by default; a test can pass a fake
            clock it moves forward). A late commit lands at the first request, or ledger
            read, on or after its time.
    """

    def __init__(
        self,
        *,
        api_keys: Iterable[str] = (DEFAULT_API_KEY,),
        engine: Engine | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.api_keys = frozenset(api_keys)
        self.engine = engine or Engine()
        self.faults = Faults()
        self.clock = clock
        self._late: list[_LateCommit] = []
        self._busy = threading.Condition()
        self._in_flight = 0
        e = self.engine

        def op(
            op_id: str, handler: Handler, *, body: bool = False
        ) -> Callable[[Request], Awaitable[Response]]:
            async def endpoint(request: Request) -> Response:
                return await self._operation(op_id, request, handler, body)

            return endpoint

        def path(fn: Callable[[dict[str, Any]], Answer]) -> Handler:
            return lambda request, _body: fn(request.path_params)

        routes = [
            Route(
                "/EWalletOperations",
                op("StartSession", lambda r, b: e.start_session(b), body=True),
                methods=["POST"],
            ),
            Route(
                "/EWalletOperations/validateResults",
                op("ValidateResults", lambda r, b: e.validate_results(b), body=True),
                methods=["POST"],
            ),
            Route(
                "/PaymentGatewayAccounts",
                op("PaymentGatewayAccountsList", lambda r, b: e.accounts()),
                methods=["GET"],
            ),
            Route(
                "/PaymentGatewayAccounts/{name}",
                op("PaymentGatewayAccountRetrieve", path(lambda p: e.account(p["name"]))),
                methods=["GET"],
            ),
            Route(
                "/PaymentGatewayAccounts/{name}",
                op(
                    "PaymentGatewayAccountSet",
                    lambda r, b: e.set_account(r.path_params["name"], b),
                    body=True,
                ),
                methods=["PUT"],
            ),
            Route(
                "/PaymentGatewayAccounts/{name}",
                op("PaymentGatewayAccountDelete", path(lambda p: e.delete_account(p["name"]))),
                methods=["DELETE"],
            ),
            Route(
                "/PaymentGateway", op("GatewayList", lambda r, b: self._gateways()), methods=["GET"]
            ),
            Route(
                "/PaymentGateway/charge",
                op("GatewayCharge", lambda r, b: e.pay("Charge", b), body=True),
                methods=["POST"],
            ),
            Route(
                "/PaymentGateway/authorize",
                op("GatewayAuthorize", lambda r, b: e.pay("PreAuth", b), body=True),
                methods=["POST"],
            ),
            Route(
                "/PaymentGateway/capture",
                op("GatewayCapture", lambda r, b: e.follow_up("Capture", b), body=True),
                methods=["PUT"],
            ),
            Route(
                "/PaymentGateway/refund",
                op("GatewayRefund", lambda r, b: e.follow_up("Refund", b), body=True),
                methods=["PUT"],
            ),
            Route(
                "/PaymentGateway/void",
                op("GatewayVoid", lambda r, b: e.follow_up("Void", b), body=True),
                methods=["DELETE"],
            ),
            Route(
                "/PaymentGateway/tokenize",
                op("GatewayTokenize", lambda r, b: e.tokenize(b), body=True),
                methods=["POST"],
            ),
            Route(
                "/PaymentGateway/status",
                op("GatewayStatus", lambda r, b: e.status(b), body=True),
                methods=["POST"],
            ),
            Route(
                "/Utils/apiKey", op("ValidateApiKey", lambda r, b: self._whoami()), methods=["GET"]
            ),
            Route(
                "/StringTokens",
                op("StoreStringToken", self._store_token, body=True),
                methods=["POST"],
            ),
            Route(
                "/StringTokens/{token}",
                op("StringTokenRetrieve", path(lambda p: e.token(p["token"], meta=False))),
                methods=["GET"],
            ),
            Route(
                "/StringTokens/{token}",
                op("StringTokenDelete", path(lambda p: e.delete_token(p["token"]))),
                methods=["DELETE"],
            ),
            Route(
                "/StringTokens/{token}/meta",
                op("StringTokenRetrieveMetaData", path(lambda p: e.token(p["token"], meta=True))),
                methods=["GET"],
            ),
            # Sandbox-only control routes (not part of the API).
            Route("/_sandbox/ledger", self._ledger, methods=["GET"]),
            Route("/_sandbox/faults", self._faults, methods=["GET", "POST", "DELETE"]),
            Route("/_sandbox/reset", self._reset, methods=["POST"]),
            Route("/_sandbox/ewallet/complete", self._complete, methods=["POST"]),
        ]
        self.app = Starlette(routes=routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> Any:
        await self.app(scope, receive, send)
        if scope.get(DROP):
            # An ASGI app that returns a value makes uvicorn close the connection unanswered.
            return "drop-after-commit"
        return None

    def reset(self) -> None:
        """Forget every token, account, transaction, pending fault and late commit."""
        self.engine.reset()
        self.faults.clear()
        with self._busy:
            self._late.clear()

    def inject(self, kind: str, operation: str | None = None, **options: Any) -> Fault:
        """Queue a fault, e.g. ``inject("status_503", "GatewayCharge", times=2)``."""
        fault = Fault(kind=kind, operation=operation, **options)
        self.faults.add(fault)
        return fault

    def ledger(self) -> list[dict[str, Any]]:
        self._land_due()
        return self.engine.ledger()

    def settle(self, timeout: float = 10.0) -> bool:
        """Wait until no operation is in flight (a slow one outliving its client's timeout
        has landed); True when settled."""
        with self._busy:
            return self._busy.wait_for(lambda: self._in_flight == 0, timeout)

    def _land_due(self) -> None:
        with self._busy:
            now = self.clock()
            due = [late for late in self._late if late.due <= now]
            self._late = [late for late in self._late if late.due > now]
        for late in due:
            if late.generation != self.engine.generation:
                continue
            with contextlib.suppress(Invalid):  # a rejected request moves nothing, late or not
                late.handler(late.request, None if late.raw is None else parse_body(late.raw))

    # --- plumbing ------------------------------------------------------------------------------

    async def _operation(
        self, op_id: str, request: Request, handler: Handler, wants_body: bool
    ) -> Response:
        with self._busy:
            self._in_flight += 1
        try:
            self._land_due()
            return await self._operate(op_id, request, handler, wants_body)
        finally:
            with self._busy:
                self._in_flight -= 1
                self._busy.notify_all()

    async def _operate(
        self, op_id: str, request: Request, handler: Handler, wants_body: bool
    ) -> Response:
        if request.headers.get("x-api-key") not in self.api_keys:
            return _json(
                401,
                {"fieldName": "X-Api-Key", "errors": ["A valid API key is required in X-Api-Key."]},
            )
        # Read the whole request first, as a server does before it forwards to a gateway: a
        # client that gives up during a slow gateway call must not stop the operation.
        raw = await _read_capped(request) if wants_body else b""
        if raw is None:
            return _too_large()
        generation = self.engine.generation
        before = self.faults.take(op_id, before=True)
        late = before if before is not None and before.kind == "late_commit" else None
        if before is not None and late is None:
            if before.kind == "drop_before_commit":
                return _Drop()
            if before.kind == "latency":
                await asyncio.sleep(before.seconds)
                if self.engine.generation != generation:
                    # Reset while this slow call waited (the test that sent it has ended):
                    # it must not land in the next test's ledger.
                    return Response(status_code=503)
            elif before.kind in ("status_503", "status_429"):
                headers = {"Retry-After": before.retry_after} if before.retry_after else None
                return Response(status_code=int(before.kind[-3:]), headers=headers)
            elif before.kind == "html_502":
                return HTMLResponse(HTML_502, status_code=502)
        if late is not None:
            with self._busy:
                self._late.append(
                    _LateCommit(
                        self.clock() + late.seconds,
                        generation,
                        handler,
                        request,
                        raw if wants_body else None,
                    )
                )
            return _Drop()
        try:
            status, data = handler(request, parse_body(raw) if wants_body else None)
        except Invalid as exc:
            return _json(400, exc.body())
        return self._after(op_id, request, status, data)

    def _after(self, op_id: str, request: Request, status: int, data: Any) -> Response:
        headers = None
        if op_id == "StoreStringToken" and status == 201:
            headers = {
                "Location": f"{str(request.base_url).rstrip('/')}/StringTokens/{data['token']}"
            }
        fault = self.faults.take(op_id, before=False)
        if fault is None:
            return _json(status, data, headers)
        if fault.kind == "drop_after_commit":
            return _Drop()
        if fault.kind == "empty_body":
            return Response(status_code=status, headers=headers, media_type="application/json")
        if fault.kind == "truncated_body":
            raw = json.dumps(data).encode()
            return Response(
                raw[: max(1, len(raw) // 2)],
                status_code=status,
                headers=headers,
                media_type="application/json",
            )
        if fault.kind == "bad_gzip":
            return Response(
                b"\x1f\x8b\x08\x00 not a gzip stream",
                status_code=status,
                headers={**(headers or {}), "Content-Encoding": "gzip"},
                media_type="application/json",
            )
        if fault.kind == "deep_nesting":
            return Response(
                DEEP_NESTING, status_code=status, headers=headers, media_type="application/json"
            )
        if fault.kind == "unknown_enum":
            return _json(status, _unknown_enum(data, fault.fields), headers)
        if fault.kind == "accepted" and isinstance(data, dict):
            return _json(
                202 if status < 300 else status,
                {**data, "operationResultCode": "Accepted"},
                headers,
            )
        return _json(status, data, headers)

    def _store_token(self, request: Request, body: Any) -> Answer:
        return self.engine.store_token(body)

    @staticmethod
    def _gateways() -> Answer:
        return 200, [g.describe() for g in GATEWAYS.values()]

    @staticmethod
    def _whoami() -> Answer:
        return 200, {"status": "Valid", "userName": "sandbox", "accountId": 1, "isSandbox": True}

    async def _ledger(self, request: Request) -> Response:
        return JSONResponse(self.ledger())

    async def _faults(self, request: Request) -> Response:
        if request.method == "DELETE":
            self.faults.clear()
            return Response(status_code=204)
        if request.method == "GET":
            return JSONResponse([f.to_json() for f in self.faults.pending()])
        raw = await _read_capped(request)
        if raw is None:
            return _too_large()
        try:
            fault = Fault.from_json(parse_body(raw))
        except Invalid as exc:
            return JSONResponse(exc.body(), status_code=400)
        except (ValueError, FaultError) as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        self.faults.add(fault)
        return JSONResponse(fault.to_json(), status_code=201)

    async def _reset(self, request: Request) -> Response:
        self.reset()
        return Response(status_code=204)

    async def _complete(self, request: Request) -> Response:
        raw = await _read_capped(request)
        if raw is None:
            return _too_large()
        try:
            status, data = self.engine.complete_session(parse_body(raw) or {})
        except Invalid as exc:
            return JSONResponse(exc.body(), status_code=400)
        return JSONResponse(data, status_code=status)


def create_app(
    *, api_keys: Iterable[str] = (DEFAULT_API_KEY,), clock: Callable[[], float] = time.monotonic
) -> SandboxApp:
    """A fresh sandbox app (its own state and faults)."""
    return SandboxApp(api_keys=api_keys, clock=clock)
