"""The ASGI app: the API's 19 operations plus sandbox-only control routes under /_sandbox.

The engine (``_state.py``) says what an operation came to; this module alone says it in HTTP:
``STATUS`` for its results, ``ERRORS`` (Starlette exception handlers) for what is refused, and
``RequireApiKey`` (middleware) for the key. A fault that drops the connection asks the server
to close it (the ``DROP`` extension of ``_server.py``), so nothing goes through an error path.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from ._data import DEFAULT_API_KEY
from ._faults import OPERATION_IDS, Fault, FaultError, Faults
from ._state import Engine, Outcome, Result
from ._validate import MAX_BODY_BYTES, Invalid, parse_body

DROP = "orchestra_sandbox.drop"
"""An ASGI extension: a message of this type has the server close the connection unanswered."""
CONTROL = "/_sandbox/"
"""The sandbox's own routes (not the API's): no key needed."""
Params = Mapping[str, str]
Handler = Callable[[Engine, Params, Any], Result]
"""What an operation does: the engine, the path parameters, the parsed body -> its result."""

HTML_502 = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)

# --- results and refusals in HTTP: the one place --------------------------------------------

STATUS: dict[Outcome, int] = {
    Outcome.OK: 200,
    Outcome.CREATED: 201,
    Outcome.APPROVED: 202,  # forwarded to the gateway; the body is its result
    Outcome.REJECTED: 409,
    Outcome.NOT_FOUND: 404,
}


class BodyTooLarge(Exception):
    """The request body is larger than MAX_BODY_BYTES (left unread)."""


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    if body is None:
        return Response(status_code=status, headers=headers)
    return JSONResponse(body, status_code=status, headers=headers)


def _http(result: Result, request: Request) -> tuple[int, Any, dict[str, str] | None]:
    """A result as its status, body and headers."""
    headers = None
    if result.location is not None:
        headers = {"Location": str(request.base_url).rstrip("/") + result.location}
    return STATUS[result.outcome], result.body, headers


async def _invalid(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Invalid)
    return _json(400, exc.body())


async def _too_large(request: Request, exc: Exception) -> Response:
    # Connection: close, as the unread rest of the body cannot be skipped reliably.
    return _json(
        413,
        {"fieldName": "body", "errors": [f"The body is larger than {MAX_BODY_BYTES} bytes."]},
        {"Connection": "close"},
    )


async def _bad_fault(request: Request, exc: Exception) -> Response:
    return _json(400, {"error": str(exc)})


ERRORS: dict[type[Exception], Callable[[Request, Exception], Awaitable[Response]]] = {
    Invalid: _invalid,
    BodyTooLarge: _too_large,
    FaultError: _bad_fault,
}

UNAUTHORIZED = {"fieldName": "X-Api-Key", "errors": ["A valid API key is required in X-Api-Key."]}


class RequireApiKey:
    """A request to the API (anything outside ``CONTROL``) without an accepted ``X-Api-Key``
    is answered 401, before any route runs."""

    def __init__(self, app: ASGIApp, keys: frozenset[str]) -> None:
        self.app = app
        self.keys = keys

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and not scope["path"].startswith(CONTROL)
            and Headers(scope=scope).get("x-api-key") not in self.keys
        ):
            await _json(401, UNAUTHORIZED)(scope, receive, send)
            return
        await self.app(scope, receive, send)


class _Drop(Response):
    """No answer: the server closes the connection, and the request ends once it is gone."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if DROP not in (scope.get("extensions") or {}):
            raise RuntimeError("dropping a connection needs the sandbox's server (SandboxServer)")
        await send({"type": DROP})
        while (await receive())["type"] != "http.disconnect":
            pass


async def _read_capped(request: Request) -> bytes:
    """The request body; ``BodyTooLarge`` past MAX_BODY_BYTES (not read further)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


DEEP_NESTING = b"[" * 100_000 + b"]" * 100_000

# --- the API's operations, as a table -----------------------------------------------------------


def _start_session(e: Engine, p: Params, body: Any) -> Result:
    return e.start_session(body)


def _validate_results(e: Engine, p: Params, body: Any) -> Result:
    return e.validate_results(body)


def _accounts(e: Engine, p: Params, body: Any) -> Result:
    return e.accounts()


def _account(e: Engine, p: Params, body: Any) -> Result:
    return e.account(p["name"])


def _set_account(e: Engine, p: Params, body: Any) -> Result:
    return e.set_account(p["name"], body)


def _delete_account(e: Engine, p: Params, body: Any) -> Result:
    return e.delete_account(p["name"])


def _gateways(e: Engine, p: Params, body: Any) -> Result:
    return e.gateways()


def _charge(e: Engine, p: Params, body: Any) -> Result:
    return e.pay("Charge", body)


def _authorize(e: Engine, p: Params, body: Any) -> Result:
    return e.pay("PreAuth", body)


def _capture(e: Engine, p: Params, body: Any) -> Result:
    return e.follow_up("Capture", body)


def _refund(e: Engine, p: Params, body: Any) -> Result:
    return e.follow_up("Refund", body)


def _void(e: Engine, p: Params, body: Any) -> Result:
    return e.follow_up("Void", body)


def _tokenize(e: Engine, p: Params, body: Any) -> Result:
    return e.tokenize(body)


def _status(e: Engine, p: Params, body: Any) -> Result:
    return e.status(body)


def _whoami(e: Engine, p: Params, body: Any) -> Result:
    return e.whoami()


def _store_token(e: Engine, p: Params, body: Any) -> Result:
    return e.store_token(body)


def _token(e: Engine, p: Params, body: Any) -> Result:
    return e.token(p["token"], meta=False)


def _delete_token(e: Engine, p: Params, body: Any) -> Result:
    return e.delete_token(p["token"])


def _token_meta(e: Engine, p: Params, body: Any) -> Result:
    return e.token(p["token"], meta=True)


@dataclass(frozen=True, slots=True)
class ApiRoute:
    """One operation: where it is, its operationId (what faults name), what does it, and
    whether it reads a JSON body."""

    method: str
    path: str
    operation_id: str
    handler: Handler
    body: bool = False


API_ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute("POST", "/EWalletOperations", "StartSession", _start_session, body=True),
    ApiRoute(
        "POST",
        "/EWalletOperations/validateResults",
        "ValidateResults",
        _validate_results,
        body=True,
    ),
    ApiRoute("GET", "/PaymentGatewayAccounts", "PaymentGatewayAccountsList", _accounts),
    ApiRoute("GET", "/PaymentGatewayAccounts/{name}", "PaymentGatewayAccountRetrieve", _account),
    ApiRoute(
        "PUT", "/PaymentGatewayAccounts/{name}", "PaymentGatewayAccountSet", _set_account, body=True
    ),
    ApiRoute(
        "DELETE", "/PaymentGatewayAccounts/{name}", "PaymentGatewayAccountDelete", _delete_account
    ),
    ApiRoute("GET", "/PaymentGateway", "GatewayList", _gateways),
    ApiRoute("POST", "/PaymentGateway/charge", "GatewayCharge", _charge, body=True),
    ApiRoute("POST", "/PaymentGateway/authorize", "GatewayAuthorize", _authorize, body=True),
    ApiRoute("PUT", "/PaymentGateway/capture", "GatewayCapture", _capture, body=True),
    ApiRoute("PUT", "/PaymentGateway/refund", "GatewayRefund", _refund, body=True),
    ApiRoute("DELETE", "/PaymentGateway/void", "GatewayVoid", _void, body=True),
    ApiRoute("POST", "/PaymentGateway/tokenize", "GatewayTokenize", _tokenize, body=True),
    ApiRoute("POST", "/PaymentGateway/status", "GatewayStatus", _status, body=True),
    ApiRoute("GET", "/Utils/apiKey", "ValidateApiKey", _whoami),
    ApiRoute("POST", "/StringTokens", "StoreStringToken", _store_token, body=True),
    ApiRoute("GET", "/StringTokens/{token}", "StringTokenRetrieve", _token),
    ApiRoute("DELETE", "/StringTokens/{token}", "StringTokenDelete", _delete_token),
    ApiRoute("GET", "/StringTokens/{token}/meta", "StringTokenRetrieveMetaData", _token_meta),
)
if tuple(r.operation_id for r in API_ROUTES) != OPERATION_IDS:  # pragma: no cover
    raise AssertionError("_faults.OPERATION_IDS must list API_ROUTES' operationIds, in order")


@dataclass
class _LateCommit:
    """An operation whose answer was lost, landing at ``due`` on the sandbox's clock."""

    due: float
    generation: int
    route: ApiRoute
    params: Params
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
        routes = [Route(r.path, self._endpoint(r), methods=[r.method]) for r in API_ROUTES] + [
            # Sandbox-only control routes (not part of the API).
            Route("/_sandbox/ledger", self._ledger, methods=["GET"]),
            Route("/_sandbox/faults", self._faults, methods=["GET", "POST", "DELETE"]),
            Route("/_sandbox/reset", self._reset, methods=["POST"]),
            Route("/_sandbox/ewallet/complete", self._complete, methods=["POST"]),
        ]
        self.app = Starlette(
            routes=routes,
            middleware=[Middleware(RequireApiKey, keys=self.api_keys)],
            exception_handlers=ERRORS,
        )

    def _endpoint(self, route: ApiRoute) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            return await self._operation(route, request)

        return endpoint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)

    def reset(self) -> None:
        """Forget every token, account, transaction, pending fault and late commit."""
        self.engine.reset()
        self.faults.clear()
        with self._busy:
            self._late.clear()

    def inject(self, kind: str, operation: str | None = None, **options: Any) -> Fault:
        """Queue a fault, e.g. ``inject("status_503", "GatewayCharge", times=2)``.

        ``operation`` is an operationId ("GatewayCharge"), or the ledger's name for it
        ("Charge", "PreAuth", "Capture", "Refund", "Void"); the returned fault names the
        operationId. Raises ``FaultError`` (listing the operationIds) for an unknown name.
        """
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
                late.route.handler(
                    self.engine, late.params, None if late.raw is None else parse_body(late.raw)
                )

    # --- plumbing ------------------------------------------------------------------------------

    async def _operation(self, route: ApiRoute, request: Request) -> Response:
        with self._busy:
            self._in_flight += 1
        try:
            self._land_due()
            return await self._operate(route, request)
        finally:
            with self._busy:
                self._in_flight -= 1
                self._busy.notify_all()

    async def _operate(self, route: ApiRoute, request: Request) -> Response:
        # Read the whole request first, as a server does before it forwards to a gateway: a
        # client that gives up during a slow gateway call must not stop the operation.
        raw = await _read_capped(request) if route.body else b""
        call = _Call(route, request, raw, self.engine.generation)
        before = self.faults.take(route.operation_id, before=True)
        if before is not None:
            answer = await BEFORE_FAULTS[before.kind](self, before, call)
            if answer is not None:
                return answer
        result = route.handler(
            self.engine, request.path_params, parse_body(raw) if route.body else None
        )
        status, data, headers = _http(result, request)
        after = self.faults.take(route.operation_id, before=False)
        if after is None:
            return _json(status, data, headers)
        return AFTER_FAULTS[after.kind](after, status, data, headers)

    def _commit_later(self, fault: Fault, call: _Call) -> None:
        with self._busy:
            self._late.append(
                _LateCommit(
                    self.clock() + fault.seconds,
                    call.generation,
                    call.route,
                    dict(call.request.path_params),
                    call.raw if call.route.body else None,
                )
            )

    async def _ledger(self, request: Request) -> Response:
        return JSONResponse(self.ledger())

    async def _faults(self, request: Request) -> Response:
        if request.method == "DELETE":
            self.faults.clear()
            return Response(status_code=204)
        if request.method == "GET":
            return JSONResponse([f.to_json() for f in self.faults.pending()])
        fault = Fault.from_json(parse_body(await _read_capped(request)))
        self.faults.add(fault)
        return JSONResponse(fault.to_json(), status_code=201)

    async def _reset(self, request: Request) -> Response:
        self.reset()
        return Response(status_code=204)

    async def _complete(self, request: Request) -> Response:
        result = self.engine.complete_session(parse_body(await _read_capped(request)) or {})
        return _json(*_http(result, request))


# --- faults, as tables: what each kind does before or after the operation ---------------------


@dataclass(frozen=True, slots=True)
class _Call:
    """The request being answered, as the faults that come before the operation see it."""

    route: ApiRoute
    request: Request
    raw: bytes
    generation: int


BeforeFault = Callable[[SandboxApp, Fault, _Call], Awaitable[Response | None]]
"""A fault before the operation: an answer in its place, or None to go on with it."""


async def _drop(app: SandboxApp, fault: Fault, call: _Call) -> Response | None:
    return _Drop()


async def _latency(app: SandboxApp, fault: Fault, call: _Call) -> Response | None:
    await asyncio.sleep(fault.seconds)
    if app.engine.generation != call.generation:
        # Reset while this slow call waited (the test that sent it has ended): it must not
        # land in the next test's ledger.
        return Response(status_code=503)
    return None


async def _refuse(app: SandboxApp, fault: Fault, call: _Call) -> Response | None:
    headers = {"Retry-After": fault.retry_after} if fault.retry_after else None
    return Response(status_code=int(fault.kind[-3:]), headers=headers)


async def _html_502(app: SandboxApp, fault: Fault, call: _Call) -> Response | None:
    return HTMLResponse(HTML_502, status_code=502)


async def _late_commit(app: SandboxApp, fault: Fault, call: _Call) -> Response | None:
    app._commit_later(fault, call)
    return _Drop()


BEFORE_FAULTS: dict[str, BeforeFault] = {
    "drop_before_commit": _drop,
    "latency": _latency,
    "status_503": _refuse,
    "status_429": _refuse,
    "html_502": _html_502,
    "late_commit": _late_commit,
}

AfterFault = Callable[[Fault, int, Any, "dict[str, str] | None"], Response]
"""A fault after the operation (it happened): the answer that goes out instead of the usual
one, from the fault, the status, the body and the headers."""


def _drop_after(fault: Fault, status: int, data: Any, headers: dict[str, str] | None) -> Response:
    return _Drop()


def _empty(fault: Fault, status: int, data: Any, headers: dict[str, str] | None) -> Response:
    return Response(status_code=status, headers=headers, media_type="application/json")


def _truncated(fault: Fault, status: int, data: Any, headers: dict[str, str] | None) -> Response:
    raw = json.dumps(data).encode()
    return Response(
        raw[: max(1, len(raw) // 2)],
        status_code=status,
        headers=headers,
        media_type="application/json",
    )


def _bad_gzip(fault: Fault, status: int, data: Any, headers: dict[str, str] | None) -> Response:
    return Response(
        b"\x1f\x8b\x08\x00 not a gzip stream",
        status_code=status,
        headers={**(headers or {}), "Content-Encoding": "gzip"},
        media_type="application/json",
    )


def _deep(fault: Fault, status: int, data: Any, headers: dict[str, str] | None) -> Response:
    return Response(
        DEEP_NESTING, status_code=status, headers=headers, media_type="application/json"
    )


def _unknown(fault: Fault, status: int, data: Any, headers: dict[str, str] | None) -> Response:
    return _json(status, _unknown_enum(data, fault.fields), headers)


def _accepted(fault: Fault, status: int, data: Any, headers: dict[str, str] | None) -> Response:
    if not isinstance(data, dict):
        return _json(status, data, headers)
    return _json(
        202 if status < 300 else status, {**data, "operationResultCode": "Accepted"}, headers
    )


PROXY_503 = b"upstream connect error or disconnect/reset before headers. reset reason: overflow"
PROXY_500 = b'{"error": "internal proxy error", "code": 500}'


def _proxy(fault: Fault, status: int, data: Any, headers: dict[str, str] | None) -> Response:
    """What a proxy between the client and Orchestra answers after forwarding the request."""
    if fault.kind == "proxy_503":
        return Response(PROXY_503, status_code=503, media_type="text/plain")
    if fault.kind == "proxy_502":
        return HTMLResponse(HTML_502, status_code=502)
    return Response(PROXY_500, status_code=500, media_type="application/json")


AFTER_FAULTS: dict[str, AfterFault] = {
    "drop_after_commit": _drop_after,
    "empty_body": _empty,
    "truncated_body": _truncated,
    "bad_gzip": _bad_gzip,
    "deep_nesting": _deep,
    "unknown_enum": _unknown,
    "accepted": _accepted,
    "proxy_503": _proxy,
    "proxy_502": _proxy,
    "proxy_500": _proxy,
}


def create_app(
    *, api_keys: Iterable[str] = (DEFAULT_API_KEY,), clock: Callable[[], float] = time.monotonic
) -> SandboxApp:
    """A fresh sandbox app (its own state and faults)."""
    return SandboxApp(api_keys=api_keys, clock=clock)
