"""No secret in anything the client prints: every error path, with DEBUG logging everywhere.

Each case makes the client fail one way while the server (or the transport) echoes the API key,
the card number (spaced in several ways) and the CVV back. Everything a user could see is then
searched: str, repr, every exception of the cause/context chain, the formatted traceback and
every log record (httpx and httpcore included, at DEBUG). Zero hits.
"""

from __future__ import annotations

import json
import logging
import math
import re
import traceback
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from overlay_helpers import (
    CHARGE_BODY,
    REFUND_BODY,
    REJECTED,
    SUCCESS,
    make_async_client,
    make_client,
    status,
)

from conftest import TEST_KEY
from orchestra_payments import (
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    GatewayError,
    GatewayRejectedError,
    GatewayUnavailableError,
    NotFoundError,
    Orchestra,
    OrchestraError,
    OutcomeUnknownError,
    RequestValidationError,
    RetryPolicy,
    UnexpectedResponseError,
)
from orchestra_payments._redact import RedactingFilter
from orchestra_payments.params import CardParams, ChargeParams
from orchestra_sandbox import SandboxServer

PAN = "4111111111111111"
CVV = "846"
SPACINGS = (
    PAN,
    " ".join(PAN[i : i + 4] for i in range(0, 16, 4)),
    "-".join(PAN[i : i + 4] for i in range(0, 16, 4)),
    "  ".join(PAN[i : i + 4] for i in range(0, 16, 4)),
    ".".join(PAN[i : i + 4] for i in range(0, 16, 4)),
    "\u200b".join(PAN[i : i + 4] for i in range(0, 16, 4)),
)
CVV_PHRASES = (
    f"The security code {CVV}",
    f"security code: {CVV}",
    f"Card verification value {CVV}",
    f"card verification code={CVV}",
    f"CVC2 {CVV}",
    f"cvv={CVV}",
    f'"cvv": "{CVV}"',
    f'"cvv":{CVV}',
)
ECHO = f"key {TEST_KEY}; X-Api-Key: {TEST_KEY}; cards {'; '.join(SPACINGS)}; " + "; ".join(
    CVV_PHRASES
)
CARD: CardParams = {
    "cardHolderName": "Jane Doe",
    "cardNumber": PAN,
    "cvv": CVV,
    "expirationMonth": 12,
    "expirationYear": 2030,
}
BODY: ChargeParams = {**CHARGE_BODY, "card": CARD}

_PAN_ANY_SPACING = re.compile(r"[\s\-.\u200b]*".join(PAN))
_CVV_ALONE = re.compile(rf"(?<![0-9A-Fa-fx]){CVV}(?![0-9A-Fa-f])")


def leaks(text: str) -> list[str]:
    found = []
    if TEST_KEY in text or TEST_KEY[8:] in text:
        found.append("the API key")
    if _PAN_ANY_SPACING.search(text):
        found.append("the card number")
    if _CVV_ALONE.search(text):
        found.append("the CVV")
    return found


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def text(self) -> str:
        return "\n".join(self.format(r) for r in self.records)


@pytest.fixture
def debug_logs() -> Iterator[Capture]:
    """DEBUG on for every logger there is (httpx, httpcore, this library...)."""
    capture = Capture()
    root = logging.getLogger()
    saved = {name: lg.level for name, lg in _loggers().items()}
    saved_root = root.level
    root.addHandler(capture)
    root.setLevel(logging.DEBUG)
    for lg in _loggers().values():
        lg.setLevel(logging.DEBUG)
    try:
        yield capture
    finally:
        root.removeHandler(capture)
        root.setLevel(saved_root)
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)


def _loggers() -> dict[str, logging.Logger]:
    names = [*logging.root.manager.loggerDict, "httpx", "httpcore.http11", "httpcore.connection"]
    return {name: logging.getLogger(name) for name in names}


def printed(exc: BaseException) -> str:
    """Everything a user may see of an exception."""
    parts = [str(exc), repr(exc), "".join(traceback.format_exception(exc))]
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        parts += [str(node), repr(node), *getattr(node, "__notes__", [])]
        excerpt = getattr(node, "excerpt", None)
        if isinstance(excerpt, str):
            parts.append(excerpt)
        stack += [node.__cause__, node.__context__]
    return "\n".join(parts)


def raised(call: Callable[[], object]) -> BaseException:
    try:
        call()
    except Exception as exc:
        return exc
    raise AssertionError("no exception was raised")


def mock(*steps: Any, attempts: int = 1) -> Orchestra:
    client, _, _ = make_client(list(steps), retry=RetryPolicy(attempts=attempts, wait_jitter=0))
    return client


ECHO_JSON = {"fieldName": "card.cardNumber", "errors": [ECHO]}
TRUNCATED_PAYLOAD = json.dumps(
    {"token": "a" * 32, "clearPayload": json.dumps({"cardNumber": PAN, "cvv": CVV, "x": "y"})}
).encode()[:-20]


def _surrogate_chain() -> Exception:
    """A connection error whose context holds the whole request body (as a real encode
    failure inside a transport would)."""
    inner = UnicodeEncodeError("utf-8", json.dumps(BODY) + "\ud800", 0, 1, "surrogates")
    try:
        raise inner
    except UnicodeEncodeError:
        try:
            raise httpx.ConnectError(f"could not send {ECHO}")
        except httpx.ConnectError as exc:
            return exc


def _gzip_garbage(request: httpx.Request) -> httpx.Response:
    """An answer whose Content-Encoding lies: httpx fails to decode it while reading."""
    return httpx.Response(
        200,
        headers={"Content-Encoding": "gzip"},
        stream=httpx.ByteStream(ECHO.encode()),
        request=request,
    )


MOCK_CASES: dict[str, tuple[type[BaseException], Callable[[], object]]] = {
    "400 echoing": (
        BadRequestError,
        lambda: mock(status(400, ECHO_JSON)).payment_gateway.charge(BODY),
    ),
    "401 echoing": (
        AuthenticationError,
        lambda: mock(status(401, ECHO_JSON)).utils.validate_api_key(),
    ),
    "404 echoing": (
        NotFoundError,
        lambda: mock(status(404, ECHO.encode())).string_tokens.retrieve("a" * 32),
    ),
    "409 echoing": (
        GatewayRejectedError,
        lambda: mock(
            status(409, {**REJECTED, "gatewayResultDescription": ECHO})
        ).payment_gateway.charge(BODY),
    ),
    "2xx Rejected echoing": (
        GatewayRejectedError,
        lambda: mock(
            status(200, {**REJECTED, "gatewayResultDescription": ECHO})
        ).payment_gateway.charge(BODY),
    ),
    "500 echoing": (
        GatewayError,
        lambda: mock(status(500, ECHO.encode())).payment_gateway.status({"myRef": "order-1"}),
    ),
    "500 echoing (money)": (
        OutcomeUnknownError,
        lambda: mock(status(500, ECHO.encode())).payment_gateway.refund(REFUND_BODY),
    ),
    "503 exhausted echoing": (
        GatewayUnavailableError,
        lambda: mock(status(503, ECHO_JSON), attempts=3).payment_gateway.status({"myRef": "o-1"}),
    ),
    "503 echoing (money)": (
        OutcomeUnknownError,
        lambda: mock(status(503, ECHO_JSON), attempts=3).payment_gateway.charge(BODY),
    ),
    "timeout echoing (safe operation)": (
        APITimeoutError,
        lambda: mock(httpx.ReadTimeout(ECHO)).payment_gateway.status({"myRef": "order-1"}),
    ),
    "timeout echoing (money)": (
        OutcomeUnknownError,
        lambda: mock(httpx.ReadTimeout(ECHO)).payment_gateway.charge(BODY),
    ),
    "connection error with the body in its context": (
        OrchestraError,
        lambda: mock(_surrogate_chain()).payment_gateway.status({"myRef": "order-1"}),
    ),
    "non-JSON 200 to a charge": (
        OutcomeUnknownError,
        lambda: mock(status(200, ECHO.encode())).payment_gateway.charge(BODY),
    ),
    "truncated token payload": (
        UnexpectedResponseError,
        lambda: mock(status(200, TRUNCATED_PAYLOAD)).string_tokens.retrieve("a" * 32),
    ),
    "HTML 502 echoing": (
        UnexpectedResponseError,
        lambda: mock(status(502, f"<html>{ECHO}</html>".encode())).string_tokens.retrieve("a" * 32),
    ),
    "undocumented status to a charge": (
        OutcomeUnknownError,
        lambda: mock(status(418, ECHO_JSON)).payment_gateway.charge(BODY),
    ),
    "undecodable answer to a charge": (
        OutcomeUnknownError,
        lambda: mock(_gzip_garbage).payment_gateway.charge(BODY),
    ),
    "undecodable answer to a read": (
        UnexpectedResponseError,
        lambda: mock(_gzip_garbage).utils.validate_api_key(),
    ),
    "NaN amount": (
        RequestValidationError,
        lambda: mock(status(200, SUCCESS)).payment_gateway.charge({**BODY, "amount": math.nan}),
    ),
    "lone surrogate in myRef": (
        RequestValidationError,
        lambda: mock(status(200, SUCCESS)).payment_gateway.charge({**BODY, "myRef": "o\ud800"}),
    ),
    "lone surrogate in the card number": (
        RequestValidationError,
        lambda: mock(status(200, SUCCESS)).payment_gateway.charge(
            {**BODY, "card": {**CARD, "cardNumber": PAN + "\ud800"}}
        ),
    ),
    "a set in the body": (
        RequestValidationError,
        lambda: mock(status(200, SUCCESS)).payment_gateway.charge(
            {**BODY, "orderDesc": {CVV}}  # type: ignore[arg-type]
        ),
    ),
    "bytes in the body": (
        RequestValidationError,
        lambda: mock(status(200, SUCCESS)).payment_gateway.charge(
            {**BODY, "orderDesc": PAN.encode()}  # type: ignore[arg-type]
        ),
    ),
    "too many decimals": (
        RequestValidationError,
        lambda: mock(status(200, SUCCESS)).payment_gateway.charge(
            {**BODY, "amount": Decimal("10.001")}
        ),
    ),
    "API key with a NUL": (
        ConfigurationError,
        lambda: Orchestra(api_key=TEST_KEY + "\x00"),
    ),
    "API key with a non-ASCII character": (
        ConfigurationError,
        lambda: Orchestra(api_key=TEST_KEY + "\u00a0"),
    ),
}


@pytest.mark.parametrize("case", list(MOCK_CASES))
def test_no_secret_in_anything_printed(case: str, debug_logs: Capture) -> None:
    expected, call = MOCK_CASES[case]
    exc = raised(call)
    assert isinstance(exc, expected), repr(exc)
    assert leaks(printed(exc)) == []
    assert leaks(debug_logs.text()) == []


def test_the_echoes_are_really_there_to_be_found() -> None:
    """The search itself finds every spelling (else a zero-hit result proves nothing)."""
    assert leaks(ECHO) == ["the API key", "the card number", "the CVV"]
    for text in (*SPACINGS, *CVV_PHRASES):
        assert leaks(text)
    raw = printed(_surrogate_chain())
    assert "the card number" in leaks(raw)


# --- on a real socket: httpcore's own exceptions and DEBUG logs --------------------------------


@pytest.fixture
def sandbox_client(orchestra_sandbox: SandboxServer) -> Iterator[Orchestra]:
    with Orchestra(
        api_key=orchestra_sandbox.api_key,
        base_url=orchestra_sandbox.base_url,
        retry=RetryPolicy(attempts=1),
        timeout=httpx.Timeout(5.0, read=0.2),
    ) as client:
        client.gateway_accounts.set("nullok", {"paymentGatewayName": "NULLSuccess"})
        yield client


def _sandbox_leaks(exc: BaseException, logs: Capture, key: str) -> list[str]:
    text = printed(exc) + "\n" + logs.text()
    found = leaks(text)
    if key in text:
        found.append("the sandbox API key")
    return found


def test_a_real_read_timeout_on_a_charge(
    orchestra_sandbox: SandboxServer, sandbox_client: Orchestra, debug_logs: Capture
) -> None:
    orchestra_sandbox.app.inject("latency", "GatewayCharge", seconds=0.5)
    exc = raised(lambda: sandbox_client.payment_gateway.charge(BODY))
    assert isinstance(exc, OutcomeUnknownError)
    assert isinstance(exc.__cause__, httpx.ReadTimeout)
    assert _sandbox_leaks(exc, debug_logs, orchestra_sandbox.api_key) == []
    assert any(r.name.startswith("httpcore") for r in debug_logs.records)


def test_a_dropped_connection_after_the_charge(
    orchestra_sandbox: SandboxServer, sandbox_client: Orchestra, debug_logs: Capture
) -> None:
    orchestra_sandbox.app.inject("drop_after_commit", "GatewayCharge")
    exc = raised(lambda: sandbox_client.payment_gateway.charge(BODY))
    assert isinstance(exc, OutcomeUnknownError)
    assert _sandbox_leaks(exc, debug_logs, orchestra_sandbox.api_key) == []


def test_a_truncated_token_payload_from_the_sandbox(
    orchestra_sandbox: SandboxServer, sandbox_client: Orchestra, debug_logs: Capture
) -> None:
    payload = json.dumps({"cardNumber": PAN, "cvv": CVV, "holder": "Jane Doe"})
    token = sandbox_client.string_tokens.create({"payload": payload}).token
    assert isinstance(token, str)
    orchestra_sandbox.app.inject("truncated_body", "StringTokenRetrieve")
    exc = raised(lambda: sandbox_client.string_tokens.retrieve(token))
    assert isinstance(exc, UnexpectedResponseError)
    assert _sandbox_leaks(exc, debug_logs, orchestra_sandbox.api_key) == []


def test_an_illegal_header_value_in_httpcore_does_not_show_the_key(
    orchestra_sandbox: SandboxServer, debug_logs: Capture
) -> None:
    """A request hook (user code) slips a NUL into a header holding the key: h11 refuses it
    and quotes the value; the client's error, its chain and httpcore's DEBUG log must not."""

    def hook(request: httpx.Request) -> None:
        request.headers["X-Echo"] = f"{orchestra_sandbox.api_key}\x00"

    with Orchestra(
        api_key=orchestra_sandbox.api_key,
        base_url=orchestra_sandbox.base_url,
        retry=RetryPolicy(attempts=1),
        event_hooks={"request": [hook]},
    ) as client:
        exc = raised(lambda: client.payment_gateway.status({"myRef": "order-1"}))
    assert isinstance(exc, OrchestraError)
    chain = printed(exc)
    assert "LocalProtocolError" in chain
    assert _sandbox_leaks(exc, debug_logs, orchestra_sandbox.api_key) == []


# --- async, constructor headers, and loggers created later -----------------------------------


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        ([status(400, ECHO_JSON)], BadRequestError),
        ([status(409, {**REJECTED, "gatewayResultDescription": ECHO})], GatewayRejectedError),
        ([httpx.ReadTimeout(ECHO)], OutcomeUnknownError),
        ([status(200, ECHO.encode())], OutcomeUnknownError),
    ],
)
async def test_the_async_client_prints_no_secret_either(
    steps: list[Any], expected: type[BaseException], debug_logs: Capture
) -> None:
    client, _, _ = make_async_client(steps, retry=RetryPolicy(attempts=1))
    try:
        await client.payment_gateway.charge(BODY)
    except Exception as exc:
        assert isinstance(exc, expected)
        assert leaks(printed(exc)) == []
    else:
        raise AssertionError("no exception was raised")
    assert leaks(debug_logs.text()) == []


def test_a_header_with_a_control_character_is_refused_at_construction() -> None:
    with pytest.raises(ConfigurationError) as info:
        Orchestra(api_key=TEST_KEY, headers={"X-Trace": f"{TEST_KEY}\x00"})
    assert "X-Trace" in str(info.value)
    assert leaks(printed(info.value)) == []


def test_the_log_filters_are_installed_once_per_process(debug_logs: Capture) -> None:
    """Building clients installs nothing more: one redacting filter per logger, however many
    clients a service builds (one per tenant), and what those loggers log is redacted."""
    for _ in range(50):
        make_client([status(200, SUCCESS)])
    for name in ("orchestra_payments", "httpx", "httpcore.connection", "httpcore.http11"):
        logger = logging.getLogger(name)
        assert len([f for f in logger.filters if isinstance(f, RedactingFilter)]) == 1, name
        logger.warning("echo: %s", ECHO)
    assert len(debug_logs.records) >= 4
    assert leaks(debug_logs.text()) == []


def test_the_chained_httpx_error_no_longer_holds_the_request_body() -> None:
    exc = raised(lambda: mock(httpx.ReadTimeout(ECHO)).payment_gateway.charge(BODY))
    cause = exc.__cause__
    assert isinstance(cause, httpx.ReadTimeout)
    with pytest.raises(RuntimeError):
        cause.request  # noqa: B018 (the property raises once the request is dropped)


def test_a_result_whose_fields_echo_the_request_shows_no_secret_in_its_repr() -> None:
    echoed = {**REJECTED, "operationResultCode": "Success", "gatewayResultDescription": ECHO}
    result = mock(status(200, echoed)).payment_gateway.charge(BODY)
    assert leaks(repr(result)) == []
    assert leaks(repr(result.to_dict())) == []
    declined = raised(
        lambda: mock(
            status(409, {**REJECTED, "gatewayResultDescription": ECHO})
        ).payment_gateway.charge(BODY)
    )
    assert isinstance(declined, GatewayRejectedError)
    assert leaks(repr(declined.result)) == []
