"""One request pipeline: every call goes through it, the facade's and the generated
functions' (``client.low_level``) alike.

    build    the generated endpoint's request builder (method, URL, headers, JSON body) and the
             operation it names, checked, given a myRef, encoded once: an ``httpx.Request``
    try      sent through the client's httpx client; retried by operation (never by HTTP
             method), within one time budget
    answer   the one place where an answer or a failure becomes a result or a typed exception

The retry policy in one sentence: a 503 is retried for operations that move no money; a 429 and
a request that provably never left (connect error, no pooled connection) are retried for every
operation; a request that may have reached Orchestra (read timeout, dropped connection, a body
cut off mid-read) is retried only for operations that move no money and are harmless to repeat;
for a money-moving operation every failure after it may have arrived is an
``OutcomeUnknownError``; nothing else is retried.
"""

from __future__ import annotations

import email.utils
import functools
import inspect
import ipaddress
import json
import logging
import math
import random
import re
import secrets
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Coroutine,
    Iterator,
    Mapping,
    Sequence,
)
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from enum import Enum
from http import HTTPStatus
from typing import (
    TYPE_CHECKING,
    Any,
    Concatenate,
    Generic,
    NamedTuple,
    ParamSpec,
    Protocol,
    TypedDict,
    TypeVar,
    Unpack,
)

import httpx

from orchestra_api.types import UNSET

from . import _errors as errors
from ._generated_operations import BY_ENDPOINT, FOLLOW_UPS, ORIGINALS, Fields, Operation
from ._generated_params import MINOR_UNITS
from ._redact import (
    excerpt,
    redact_text,
    redact_token_ids,
    register_secret,
    scrub_exception,
    scrub_model,
    secrets_in,
    shows_secret,
)
from ._telemetry import CallTrace, Telemetry
from ._transport import QueueTimeout

if TYPE_CHECKING:
    from orchestra_api.models.operation_result import OperationResult

__all__ = ["UNSET", "Operation"]

T = TypeVar("T")
P = ParamSpec("P")
F = TypeVar("F", bound=Callable[..., Any])
logger = logging.getLogger("orchestra_payments")

API_KEY_HEADER = "X-Api-Key"
_NO_BODY: Any = object()
_MODEL_ERRORS = (KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError)

# --- what a call takes and returns ------------------------------------------------------------

TimeoutTypes = float | httpx.Timeout | None
"""A timeout: seconds for the whole call (every try and wait included), an ``httpx.Timeout``
(connect/read/write/pool, for each try), or None for the client's default."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to try.

    Args:
        attempts: tries in all, the first included (1 disables retries).
        wait_initial: the first backoff wait, in seconds; doubled at each retry.
        wait_max: the cap of one backoff wait.
        wait_jitter: at most this many seconds added at random to each wait.
        timeout: the total budget, in seconds, from the first try: no wait ever ends past it.
        retry_after_max: the cap put on a server's ``Retry-After``.
    """

    # The vendor: on 503 "retry with exponential backoff (1 s, 2 s, 4 s, ...)".
    attempts: int = 4
    wait_initial: float = 1.0
    wait_max: float = 8.0
    wait_jitter: float = 0.5
    timeout: float = 90.0
    retry_after_max: float = 30.0

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise errors.ConfigurationError("RetryPolicy.attempts must be at least 1")
        for name in ("wait_initial", "wait_max", "wait_jitter", "retry_after_max"):
            if getattr(self, name) < 0:
                raise errors.ConfigurationError(f"RetryPolicy.{name} must not be negative")
        if self.timeout <= 0:
            raise errors.ConfigurationError("RetryPolicy.timeout must be positive")


NO_RETRY = RetryPolicy(attempts=1)


class RequestOptions(TypedDict, total=False):
    """What every facade method takes besides the operation's own parameters.

    Attributes:
        timeout: seconds for the whole call, every try and backoff wait included (each try's
            timeouts are cut to what is left); or an ``httpx.Timeout`` for each try.
        deadline: seconds for the whole call, as ``timeout`` in seconds (with both, the
            shorter wins): a total that no try or wait outlasts.
        retry: the ``RetryPolicy`` of this call, in place of the client's.
        extra_headers: headers added to this request.
    """

    timeout: TimeoutTypes
    deadline: float | None
    retry: RetryPolicy | None
    extra_headers: Mapping[str, str] | None


class ClientOptions(NamedTuple):
    """The defaults a client applies to each call (``with_options`` makes a copy with others)."""

    timeout: TimeoutTypes = None
    retry: RetryPolicy | None = None
    headers: Mapping[str, str] | None = None


DEFAULTS = ClientOptions()


@dataclass(frozen=True, slots=True)
class ApiResponse(Generic[T]):
    """A successful answer with its raw parts: status, headers (``Location``...), bytes."""

    status_code: int
    headers: httpx.Headers
    content: bytes
    parsed: T
    operation: str

    def __repr__(self) -> str:
        return f"ApiResponse(operation={self.operation!r}, status_code={self.status_code})"


# --- what the generated facade is built on ----------------------------------------------------


class SyncCaller(Protocol):
    def _request(
        self,
        op: Operation,
        kwargs: dict[str, Any],
        parse: Callable[[Any], T] | None,
        **options: Unpack[RequestOptions],
    ) -> ApiResponse[T]: ...


class AsyncCaller(Protocol):
    async def _request(
        self,
        op: Operation,
        kwargs: dict[str, Any],
        parse: Callable[[Any], T] | None,
        **options: Unpack[RequestOptions],
    ) -> ApiResponse[T]: ...


class SyncResource:
    __slots__ = ("_client",)

    def __init__(self, client: SyncCaller) -> None:
        self._client = client


class AsyncResource:
    __slots__ = ("_client",)

    def __init__(self, client: AsyncCaller) -> None:
        self._client = client


def check_param(name: str, value: object, pattern: re.Pattern[str]) -> str:
    """A path parameter must be a string matching the spec's pattern (no path tricks)."""
    if not isinstance(value, str):
        raise errors.RequestValidationError(
            f"{name} must be a string, got {type(value).__name__}", field=name
        )
    if not pattern.fullmatch(value):
        raise errors.RequestValidationError(
            f"{name} does not match the pattern {pattern.pattern!r} the API requires", field=name
        )
    return value


def check_str_body(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise errors.RequestValidationError("body must be a non-empty string", field="body")
    return value


def json_body(body: Any, model: type[Any], fields: Fields) -> Any:
    """A model, or a mapping checked against the schema's fields (unknown, missing, nested);
    anything else is rejected clearly. The endpoint's request builder copies a mapping, so the
    caller's dict is never changed."""
    if isinstance(body, Mapping):
        check_fields(body, fields)
        return body
    if isinstance(body, model):
        return body
    raise errors.RequestValidationError(
        f"body must be a {model.__name__} or a mapping, got {type(body).__name__}", field="body"
    )


def parsed(raw: Callable[Concatenate[Any, P], ApiResponse[T]]) -> Callable[Concatenate[Any, P], T]:
    """The parsed twin of a raw facade method (same parameters, returns ``.parsed``)."""

    def method(self: Any, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return raw(self, *args, **kwargs).parsed

    return _named(method, raw)


def async_parsed(
    raw: Callable[Concatenate[Any, P], Awaitable[ApiResponse[T]]],
) -> Callable[Concatenate[Any, P], Coroutine[Any, Any, T]]:
    """The parsed twin of a raw async facade method."""

    async def method(self: Any, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return (await raw(self, *args, **kwargs)).parsed

    return _named(method, raw)


def _named(method: F, raw: Callable[..., Any]) -> F:
    """The parsed method named, documented and annotated as the raw one, but for its return
    type: ``help()`` and ``inspect.signature`` show ``-> OperationResult``, not
    ``-> ApiResponse[OperationResult]``."""
    functools.update_wrapper(method, raw)
    method.__qualname__ = raw.__qualname__.replace("Raw.", ".")
    annotations = dict(method.__annotations__)
    returned = annotations.get("return")
    if isinstance(returned, str) and returned.startswith("ApiResponse[") and returned.endswith("]"):
        annotations["return"] = returned[len("ApiResponse[") : -1]
    method.__annotations__ = annotations
    signature = inspect.signature(raw)
    method.__signature__ = signature.replace(  # type: ignore[attr-defined]
        return_annotation=annotations.get("return", signature.return_annotation)
    )
    return method


def parse_list(item: Callable[[Any], T]) -> Callable[[Any], list[T]]:
    def parse(data: Any) -> list[T]:
        return [item(entry) for entry in data]

    return parse


# --- build: fields, JSON, amounts, headers, myRef ---------------------------------------------


def closest(name: str, names: frozenset[str]) -> str | None:
    """The valid name a misspelt one was most likely meant to be."""
    import difflib  # only when a name is misspelt: kept off the import path

    folded = {n.casefold(): n for n in names}
    if name.casefold() in folded:
        return folded[name.casefold()]
    match = difflib.get_close_matches(name, sorted(names), n=1, cutoff=0.6)
    return match[0] if match else None


def _invalid(where: str, why: str) -> errors.RequestValidationError:
    return errors.RequestValidationError(f"{where} {why}", field=where)


def check_fields(body: Mapping[str, object], fields: Fields, path: str = "") -> None:
    """Reject unknown keys (naming the closest valid one) and missing required ones, in nested
    objects too: a misspelt ``myref`` would be sent and ignored by the API.

    Raises:
        RequestValidationError: naming the first offending field by its path (``card.cvv``).
    """
    keys = body.keys()
    for key in keys:
        if not isinstance(key, str):
            raise errors.RequestValidationError(
                f"{path or 'body'}: a field name must be a string, not {type(key).__name__}",
                field=f"{path}{key!r}",
            )
    unknown = keys - fields.names
    if unknown:
        name = min(unknown, key=str)
        guess = closest(name, fields.names)
        valid = ", ".join(sorted(fields.names))
        hint = f", did you mean {path}{guess}?" if guess else f" (valid: {valid})"
        raise errors.RequestValidationError(
            f"{path}{name}: unknown field{hint}", field=f"{path}{name}"
        )
    for name in fields.required:
        if body.get(name) is None:
            raise _invalid(f"{path}{name}", "is required")
    for name, inner in fields.nested.items():
        value = body.get(name)
        if value is None:
            continue
        if not isinstance(value, Mapping):
            raise _invalid(f"{path}{name}", "must be an object")
        check_fields(value, inner, f"{path}{name}.")
    for name, inner in fields.lists.items():
        items = body.get(name)
        if items is None:
            continue
        if not isinstance(items, Sequence) or isinstance(items, str | bytes):
            raise _invalid(f"{path}{name}", "must be a list")
        for index, item in enumerate(items):
            where = f"{path}{name}[{index}]"
            if not isinstance(item, Mapping):
                raise _invalid(where, "must be an object")
            check_fields(item, inner, f"{where}.")


_DUMPS = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode
MAX_DEPTH = 64
_CURRENCY_FIELDS = ("currency", "currencyCode")
_KEY_HEADER = API_KEY_HEADER.lower()
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")  # RFC 9110: what a header name may hold


def _fail(path: str, why: str) -> errors.RequestValidationError:
    return errors.RequestValidationError(f"{path}: {why}; nothing was sent", field=path)


def _key(key: object, path: str) -> str:
    """A mapping key as json.dumps would write it (str, or a number/bool/None made text)."""
    if isinstance(key, str):
        return key
    if key is None or isinstance(key, bool):
        return json.dumps(key)
    if isinstance(key, int):
        return int.__repr__(key)
    if isinstance(key, float) and math.isfinite(key):
        return float.__repr__(key)
    raise _fail(path, f"a key of type {type(key).__name__} cannot be sent as JSON")


def _text(value: str, path: str) -> str:
    # Errors are raised outside the except blocks: the caught exception holds the value.
    position = -1
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        position = exc.start
    if position >= 0:
        raise _fail(path, f"not valid Unicode text (a lone surrogate at position {position})")
    return _DUMPS(value)


def _walk(value: Any, path: str, out: list[str], active: set[int], depth: int) -> None:
    if value is None:
        out.append("null")
    elif value is True or value is False:
        out.append("true" if value else "false")
    elif isinstance(value, str):
        out.append(_text(value, path))
    elif isinstance(value, int):
        if value.bit_length() > 4000:  # past int-to-text limits; no amount is this large
            raise _fail(path, "the integer is too large to send")
        out.append(int.__repr__(value))
    elif isinstance(value, float | Decimal):
        if not math.isfinite(value):
            raise _fail(path, "must be a finite number (NaN and infinity cannot be sent)")
        out.append(float.__repr__(value) if isinstance(value, float) else str(value))
    elif isinstance(value, Mapping | list | tuple):
        if depth >= MAX_DEPTH:
            raise _fail(path, f"nested more than {MAX_DEPTH} levels deep")
        if id(value) in active:
            raise _fail(path, "contains itself (a circular reference)")
        active.add(id(value))
        if isinstance(value, Mapping):
            out.append("{")
            for i, (key, item) in enumerate(value.items()):
                name = _key(key, path)
                shown = name.encode("utf-8", "backslashreplace").decode("utf-8")
                child = shown if path == "body" else f"{path}.{shown}"
                out.append(("," if i else "") + _text(name, child) + ":")
                _walk(item, child, out, active, depth + 1)
            out.append("}")
        else:
            out.append("[")
            for i, item in enumerate(value):
                out.append("," if i else "")
                _walk(item, f"{path}[{i}]", out, active, depth + 1)
            out.append("]")
        active.discard(id(value))
    else:
        raise _fail(path, f"a {type(value).__name__} cannot be sent as JSON")


def encode_json(body: Any) -> bytes:
    """The body as compact UTF-8 JSON (as httpx would encode ``json=``), or a
    ``RequestValidationError`` naming the bad field, never showing its value. Only when the
    fast path fails is the structure walked: ``Decimal`` amounts go out as their exact text."""
    try:
        return _DUMPS(body).encode("utf-8")
    except (TypeError, ValueError, RecursionError):
        pass
    out: list[str] = []
    _walk(body, "body", out, set(), 0)
    return "".join(out).encode("utf-8")


def _decimals(amount: float | Decimal) -> int:
    if isinstance(amount, float):
        text = float.__repr__(amount)
        if "e" in text or "E" in text:
            return _decimals(Decimal(text))
        return len(text.partition(".")[2].rstrip("0"))
    _sign, digits, exponent = amount.as_tuple()
    if not isinstance(exponent, int):
        return 0
    zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return max(0, -(exponent + zeros))


def check_minor_units(body: Any) -> None:
    """An amount is a number in major units (``10.5`` is ten and a half dollars), never a
    string or a bool; one with more decimals than its currency has minor units (ISO 4217)
    would be rounded somewhere down the line, or refused: refuse both here, before sending."""
    if not isinstance(body, Mapping) or "amount" not in body:
        return
    amount = body["amount"]
    if amount is None:
        return
    if isinstance(amount, bool) or not isinstance(amount, int | float | Decimal):
        raise _fail(
            "amount",
            f"must be a number in major units (10.50 is ten and a half), not a "
            f"{type(amount).__name__}",
        )
    if isinstance(amount, int):
        return
    for name in _CURRENCY_FIELDS:
        currency = body.get(name)
        if isinstance(currency, str):
            break
    else:
        return
    units = MINOR_UNITS.get(currency)
    if units is None or (isinstance(amount, float) and round(amount, units) == amount):
        return
    places = _decimals(amount)
    if places > units:
        raise _fail(
            "amount",
            f"{currency} has {units} decimal place{'s' if units != 1 else ''} (ISO 4217 minor "
            f"units) and the amount has {places}; round it first",
        )


def check_headers(headers: Mapping[str, Any], owner: object) -> None:
    """Header values go on the wire as they are: printable ASCII (and spaces) only. The message
    names the header, never its value (it may be an API key). A key given per call joins the
    redactor's secrets for as long as ``owner`` (the client) lives."""
    for name, value in headers.items():
        if not isinstance(name, str) or not _TOKEN.fullmatch(name):
            shown = repr(name) if isinstance(name, str) else f"of type {type(name).__name__}"
            raise _fail(f"header {shown}", "is not a valid header name")
        if isinstance(value, str) and name.lower() == _KEY_HEADER:
            register_secret(value, owner)
        if not isinstance(value, str):
            raise _fail(f"header {name}", f"must be a string, not {type(value).__name__}")
        if not value.isascii() or not value.isprintable():
            raise _fail(f"header {name}", "contains a control or non-ASCII character")


MY_REF_PREFIX = "orc-"
"""Generated myRefs: ``orc-`` and 16 lowercase hex digits, 20 characters."""
# A run of this many decimal digits could read as part of a card number to a log redactor (or
# a person): generated references never hold one (about 62 of the 64 random bits remain).
_DIGIT_RUN = re.compile(r"[0-9]{7}")


def generate_my_ref(token_hex: Callable[[int], str] = secrets.token_hex) -> str:
    """A fresh myRef: unique, 20 characters (AMEX wants at least 6), safe for any gateway, and
    never more than six decimal digits in a row, so that no redactor masks it as a card
    number."""
    while True:
        digits = token_hex(8)
        if not _DIGIT_RUN.search(digits):
            return MY_REF_PREFIX + digits


def ensure_my_ref(op: Operation, body: Any) -> str | None:
    """Give a charge or authorize a myRef when the caller sent none; return the myRef sent.

    A myRef that is empty, blank or not a string is refused (the payment could never be looked
    up); so is a key that differs from ``myRef`` only by case (``myref``): the API would ignore
    it."""
    if not isinstance(body, dict):
        return None
    ref = body.get("myRef")
    if ref is not None:
        if not isinstance(ref, str) or not ref.strip():
            shape = (
                ("an empty string" if not ref else "a blank string")
                if isinstance(ref, str)
                else f"a {type(ref).__name__}"
            )
            raise errors.RequestValidationError(
                f"myRef must be a non-empty string (got {shape}): a payment sent with it "
                "could never be looked up; leave it out and the client generates one; nothing "
                "was sent",
                field="myRef",
            )
        return ref
    for key in body:
        if isinstance(key, str) and key != "myRef" and key.lower() == "myref":
            raise errors.RequestValidationError(
                f"{key!r} is not a field of the API: the reference is spelled 'myRef'",
                field=key,
            )
    if op.operation_id in ORIGINALS:
        ref = body["myRef"] = generate_my_ref()
    return ref


# --- what this client sent: the follow-ups on each transaction --------------------------------

FOLLOW_UP_TRANSACTIONS = 10_000  # transactions remembered per client (least recently used go)
FOLLOW_UPS_PER_TRANSACTION = 64  # beyond this, the transaction's record is incomplete


@dataclass(slots=True, eq=False)
class SentFollowUp:
    """One capture, refund or void this client sent. ``sent`` and ``done`` are ticks of the
    client's own counter: ``done`` when its answer came (None while unknown), ``void`` when it
    provably moved nothing and could not become the transaction's latest operation (never
    sent, refused before the gateway)."""

    kind: str  # "Capture" | "Refund" | "Void"
    amount: float | None
    sent: int
    done: int | None = None
    void: bool = False

    def may_follow(self, other: SentFollowUp) -> bool:
        """Whether this one may have reached the gateway after ``other`` was sent."""
        return self.sent > other.sent or self.done is None or self.done > other.sent


@dataclass(slots=True)
class TransactionRecord:
    follow_ups: list[SentFollowUp]
    complete: bool = True


class FollowUpLog:
    """The follow-ups one client sent, per transaction (``refTransId``), in bounded memory:
    what ``reconcile`` needs to tell which of several follow-ups a status lookup reports."""

    __slots__ = ("_lock", "_records", "_tick")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: OrderedDict[str, TransactionRecord] = OrderedDict()
        self._tick = 0

    def sent(self, ref_trans_id: str, kind: str, amount: float | None) -> SentFollowUp:
        with self._lock:
            self._tick += 1
            entry = SentFollowUp(kind, amount, self._tick)
            record = self._records.get(ref_trans_id)
            if record is None:
                record = self._records[ref_trans_id] = TransactionRecord([])
                while len(self._records) > FOLLOW_UP_TRANSACTIONS:
                    self._records.popitem(last=False)
            else:
                self._records.move_to_end(ref_trans_id)
            if len(record.follow_ups) >= FOLLOW_UPS_PER_TRANSACTION:
                del record.follow_ups[0]
                record.complete = False
            record.follow_ups.append(entry)
            return entry

    def finished(self, entry: SentFollowUp, *, void: bool) -> None:
        with self._lock:
            self._tick += 1
            entry.done = self._tick
            entry.void = void

    def resolved(self, entry: SentFollowUp, *, landed: bool) -> None:
        """A reconciliation proved what became of a follow-up whose answer was lost."""
        with self._lock:
            if entry.done is None:
                self._tick += 1
                entry.done = self._tick
                entry.void = not landed

    def record(self, ref_trans_id: str) -> TransactionRecord | None:
        """A snapshot of the transaction's record (None: this client has none)."""
        with self._lock:
            record = self._records.get(ref_trans_id)
            if record is None:
                return None
            return TransactionRecord(list(record.follow_ups), record.complete)

    def __len__(self) -> int:
        return len(self._records)


# --- one call ---------------------------------------------------------------------------------


class Outcome(Enum):
    """What one try came to, as far as retrying is concerned."""

    UNAVAILABLE = "503"  # 503: retried for operations that move no money
    RATE_LIMITED = "429"  # rate limited (by Orchestra or a proxy): not processed, retry
    NOT_SENT = "a connection error before sending"  # the request never left: nothing happened
    MAYBE_SENT = "no answer"  # the request may have reached Orchestra
    QUEUED_OUT = "no free connection"  # not sent; another try would queue again at the end
    REFUSED_HERE = "a connection refused by this machine"  # not sent; a local server is down


_STATUS_OUTCOMES = {503: Outcome.UNAVAILABLE, 429: Outcome.RATE_LIMITED}


def outcome_of_error(exc: httpx.TransportError) -> Outcome:
    """Whether a transport error proves the request never left."""
    if isinstance(exc, QueueTimeout):
        return Outcome.QUEUED_OUT
    if _refused_here(exc):
        return Outcome.REFUSED_HERE
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return Outcome.NOT_SENT
    return Outcome.MAYBE_SENT


def is_loopback(host: str) -> bool:
    host = host.lower()
    if host in ("localhost", "localhost.localdomain") or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _refused_here(exc: httpx.TransportError) -> bool:
    """A connection this machine refused: nothing listens on the port (a local server, the
    sandbox, that is not running)."""
    if not isinstance(exc, httpx.ConnectError):
        return False
    try:
        host = exc.request.url.host
    except RuntimeError:
        return False
    cause: BaseException | None = exc
    while cause is not None and not isinstance(cause, ConnectionRefusedError):
        cause = cause.__cause__ or cause.__context__
    return cause is not None and is_loopback(host)


def should_retry(op: Operation, outcome: Outcome) -> bool:
    """The retry decision, by operation and outcome alone.

    A 503 on a money-moving operation is not retried: the spec documents no body for
    Orchestra's own 503, so it cannot be told apart from a proxy's 503 sent after the request
    was forwarded (it becomes an ``OutcomeUnknownError``). A 429 means nothing was processed."""
    if outcome is Outcome.UNAVAILABLE:
        return not op.moves_money
    if outcome is Outcome.MAYBE_SENT:
        return op.retry == "safe"
    return outcome is not Outcome.QUEUED_OUT


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After header (delta seconds or HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return None if when is None else max(0.0, when.timestamp() - now)


def retry_delay(
    policy: RetryPolicy,
    attempt: int,
    retry_after: str | None = None,
    *,
    now: float | None = None,
    rng: random.Random | None = None,
) -> float:
    """The wait before try ``attempt + 1``: Retry-After (capped) or capped backoff + jitter."""
    server = parse_retry_after(retry_after, time.time() if now is None else now)
    if server is not None:
        return min(server, policy.retry_after_max)
    backoff = min(policy.wait_max, policy.wait_initial * 2.0 ** (attempt - 1))
    jitter = float((rng or random).uniform(0, policy.wait_jitter)) if policy.wait_jitter else 0.0
    return min(policy.wait_max, backoff + jitter)


_LOCAL_RETRY_WAIT = 0.1
_KEPT = 256  # joined URLs and merged headers a pipeline keeps (then it starts again)


def _seconds(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not (0 < value < math.inf):
        raise errors.RequestValidationError(
            f"{name} must be a positive number of seconds", field=name
        )
    return float(value)


class Call:
    """One call on its way: its request, what it said, and the bookkeeping of its tries.

    The budget (``RetryPolicy.timeout``, or the call's ``timeout``/``deadline`` in seconds) is
    a total: each try's timeouts are cut to what is left of it, and no wait ends past it."""

    def __init__(
        self,
        pipe: Pipeline,
        op: Operation,
        kwargs: dict[str, Any],
        parse: Callable[[Any], Any] | None,
        options: ClientOptions,
        call: RequestOptions,
        low_level: bool,
    ) -> None:
        """Check and encode the request before anything is sent.

        Raises:
            ClientClosedError, RequestValidationError: nothing was sent.
        """
        if pipe.http.is_closed:
            name = pipe.owner_name
            raise errors.ClientClosedError(
                f"{op.operation_id}: this {name} was closed (close() or the end of its `with` "
                f"block); nothing was sent. Create a new {name} for further calls."
            )
        self.op, self.parse, self.low_level, self.http = op, parse, low_level, pipe.http
        timeout = call.get("timeout")
        timeout = options.timeout if timeout is None else timeout
        total: float | None = None
        per_try: httpx.Timeout | None = None
        if isinstance(timeout, httpx.Timeout):
            per_try = timeout
        elif timeout is not None:
            total = _seconds("timeout", timeout)
        deadline = call.get("deadline")
        if deadline is not None:
            seconds = _seconds("deadline", deadline)
            total = seconds if total is None else min(total, seconds)
        self.policy = policy = call.get("retry") or options.retry or pipe.policy
        self.budget = policy.timeout if total is None else min(policy.timeout, total)
        headers = kwargs.get("headers")
        extra = call.get("extra_headers")
        if extra:
            check_headers(extra, pipe.owner)
        if options.headers or extra:
            headers = {**(options.headers or {}), **(headers or {}), **(extra or {})}
        self.body = body = kwargs.get("json", _NO_BODY)
        self.my_ref = content = None
        if body is not _NO_BODY:
            if op.moves_money:
                self.my_ref = ensure_my_ref(op, body)
            content = encode_json(body)
            check_minor_units(body)
        request, self.key = pipe.build(
            kwargs["method"],
            kwargs["url"],
            content,
            kwargs.get("params"),
            headers,
            per_try,
            kwargs.get("extensions"),
        )
        self.request = request
        self.timeouts: dict[str, float | None] = dict(request.extensions.get("timeout") or {})
        # Whether the first try's timeouts can outlast the budget (else they stay as they are).
        self.cut = total is not None or any(
            v is None or v > self.budget for v in self.timeouts.values()
        )
        self.clock, self.rng = pipe.clock, pipe.rng
        self.start = self.clock()
        self.attempt = 1
        self.ambiguous = False  # a try that may have reached Orchestra got no answer
        self.last_failure: tuple[BaseException | None, Outcome] = (None, Outcome.NOT_SENT)
        self.entry: SentFollowUp | None = None
        facts = self.facts
        kind = FOLLOW_UPS.get(op.operation_id)
        if kind is not None and facts.ref_trans_id:
            self.entry = pipe.follow_ups.sent(facts.ref_trans_id, kind, facts.amount)
        self.trace = CallTrace(
            pipe.telemetry,
            op,
            request.method,
            request.url,
            self.my_ref,
            facts.account_name,
            pipe.clock,
        )

    @property
    def facts(self) -> errors.Facts:
        return errors.facts_of_body(self.body)

    def left(self) -> float:
        return self.budget - (self.clock() - self.start)

    def overrun(self) -> httpx.ReadTimeout:
        """The try whose answer did not come in full within the budget: it may have been
        sent."""
        return httpx.ReadTimeout(
            f"the call's time budget ({self.budget:g} s) ran out before the answer was read",
            request=self.request,
        )

    def arm(self) -> None:
        """Cut this try's timeouts to what is left of the budget."""
        self.sent = self.clock()
        if self.attempt == 1 and not self.cut:
            self.trace.sending(self.attempt)
            return
        left, name = self.left(), self.op.operation_id
        if self.attempt > 1 and self.http.is_closed:
            raise errors.ClientClosedError(
                f"{name}: the client was closed while the call waited to retry; try "
                f"{self.attempt} was not sent"
            )
        if left <= 0 and self.attempt > 1:
            # Only a wait that overran (a descheduled process) gets here: send nothing more.
            raise errors.APITimeoutError(
                f"{name}: the call's time budget ran out before try {self.attempt}",
                operation=name,
            )
        left = max(left, 0.001)
        self.trace.sending(self.attempt)
        self.request.extensions["timeout"] = {
            k: left if (v := self.timeouts.get(k)) is None else min(float(v), left)
            for k in ("connect", "read", "write", "pool")
        }

    def after(self, response: httpx.Response) -> float | None:
        """Seconds to wait before another try for this answer (a 503 or 429, as the policy
        allows), or None when it is the call's answer."""
        self.trace.answered(response.status_code)
        outcome = _STATUS_OUTCOMES.get(response.status_code)
        return (
            None
            if outcome is None
            else self.next_wait(outcome, response.headers.get("Retry-After"))
        )

    def failed(self, exc: httpx.TransportError, answered: bool) -> float | None:
        """Seconds to wait before another try after this one failed, or None (then it is
        raised), the error tied to its request as ``httpx.Client.send`` would have tied it.
        Once an answer has begun (``answered``), whatever fails after it (a hook, the body)
        may have been processed, whatever its type says."""
        exc.request = self.request
        self.trace.answered(None, exc)
        outcome = Outcome.MAYBE_SENT if answered else outcome_of_error(exc)
        self.last_failure = (exc, outcome)
        return self.next_wait(outcome)

    def unsent(self, exc: Exception) -> errors.ConfigurationError:
        """A request event hook that raised: this try was never sent."""
        return errors.ConfigurationError(
            f"{self.op.operation_id}: an event hook on the request raised "
            f"{type(exc).__name__}: {exc}; try {self.attempt} was not sent"
        )

    def secrets(self) -> tuple[str, ...]:
        """What this call's errors and answers must never show: the body's secrets and the key
        it was sent with (also one set by hand on ``http_client``)."""
        found = secrets_in(self.body) if self.body is not _NO_BODY else []
        return (*found, self.key) if self.key else tuple(found)

    def next_wait(self, outcome: Outcome, retry_after: str | None = None) -> float | None:
        """Seconds to wait before the next try, or None when this try is final."""
        name, policy = self.op.operation_id, self.policy
        if outcome is Outcome.MAYBE_SENT:
            self.ambiguous = True
        if not should_retry(self.op, outcome) or self.attempt >= policy.attempts:
            return None
        delay = retry_delay(policy, self.attempt, retry_after, rng=self.rng)
        if outcome is Outcome.REFUSED_HERE:  # a local server that restarts is back at once
            delay = min(delay, _LOCAL_RETRY_WAIT)
        if self.left() - delay <= 0:
            logger.warning(
                "not retrying %s after %s: the %.1f s budget would be exceeded",
                name,
                outcome.value,
                self.budget,
            )
            return None
        logger.warning(
            "retrying %s after %s in %.2f s, attempt %d/%d",
            name,
            outcome.value,
            delay,
            self.attempt + 1,
            policy.attempts,
        )
        self.trace.retrying(delay, outcome.value)
        self.attempt += 1
        return delay


# --- answer: the one place an answer or a failure becomes a result or an exception -------------

# Result codes that say a money-moving operation did not succeed. Any other code the generated
# model knows (a value the vendor added, taken with a reviewed regeneration) is returned as data;
# a code the model does not know is an unknown outcome.
_FAILURE_CODES = frozenset({"Rejected", "NotImplemented", "FatalFailure", "TemporaryFailure"})
_HTTP_STATUSES = frozenset(int(s) for s in HTTPStatus)
_PARSED_ERRORS = frozenset({400, 401, 409})  # the generated functions parse these bodies


def _json(response: httpx.Response) -> Any:
    try:
        return json.loads(response.content)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return _NO_BODY


def _parse_result(body: Any) -> OperationResult | None:
    """The ``OperationResult`` of a body, if the generated model can parse it (a value of the
    wrong type in an enum field makes it raise ``ValueError``)."""
    if not isinstance(body, dict):
        return None
    from orchestra_api.models.operation_result import OperationResult

    try:
        return OperationResult.from_dict(body)
    except _MODEL_ERRORS:
        return None


def _unusable(
    call: Call, response: httpx.Response, why: str, result: Any = None
) -> errors.OrchestraError:
    """An answer that cannot be trusted as a result: money may have moved on a money call."""
    op, status = call.op, response.status_code
    if op.moves_money:
        return errors.outcome_unknown(
            op, call.facts, f"HTTP {status} but {why}", status_code=status, result=result
        )
    shown = excerpt(response.content, secrets=(response.request.headers.get(API_KEY_HEADER, ""),))
    return errors.UnexpectedResponseError(
        f"{op.operation_id}: HTTP {status}, {why}: {shown!r}",
        operation=op.operation_id,
        status_code=status,
        excerpt=shown,
    )


def _after(call: Call, what: str) -> str:
    return f"{what} after {call.attempt} attempt{'s' if call.attempt != 1 else ''}"


def status_error(call: Call, response: httpx.Response) -> errors.OrchestraError:
    """The exception for a non-2xx answer (every status maps here and nowhere else)."""
    op, status, name = call.op, response.status_code, call.op.operation_id
    body = _json(response)
    common: dict[str, Any] = {
        "operation": name,
        "response": response,
        "body": None if body is _NO_BODY else body,
    }
    if status == 400:
        field = body.get("fieldName") if isinstance(body, dict) else None
        raw_errors = body.get("errors") if isinstance(body, dict) else None
        messages = [str(e) for e in raw_errors] if isinstance(raw_errors, list) else []
        detail = "; ".join(messages) or "no detail"
        return errors.BadRequestError(
            redact_text(f"{name}: bad request: {field or 'request'}: {detail}"),
            field_name=field if isinstance(field, str) else None,
            errors=messages,
            **common,
        )
    if status == 401:
        return errors.AuthenticationError(f"{name}: the API key was refused (401)", **common)
    if status == 404:
        url = redact_token_ids(str(response.request.url))
        return errors.NotFoundError(f"{name}: not found (404) at {url}", **common)
    if status == 409:
        result = _parse_result(body)
        code = getattr(result, "gateway_result_code", None)
        if op.lookup:  # "no such transaction (yet)", not a decline
            return errors.TransactionNotFoundError(
                redact_text(
                    f"{name}: the gateway found no such transaction (yet) (gateway code "
                    f"{code!r}); this is not a decline: payment_gateway.reconcile asks again "
                    f"over a bounded wait"
                ),
                result=result,
                **common,
            )
        if result is None and op.moves_money:
            # Orchestra's 409 carries the gateway's OperationResult; one without it comes from
            # something else (a proxy), after the request may have been forwarded.
            return _unusable(call, response, "no OperationResult of the gateway (from a proxy?)")
        desc = getattr(result, "gateway_result_description", None)
        gateway = f"gateway code {code!r}: {desc}" if result else "no result body"
        return errors.GatewayRejectedError(
            redact_text(f"{name}: rejected by the payment gateway ({gateway})"),
            result=result,
            **common,
        )
    if status >= 500 and op.moves_money:
        # Orchestra's 500 and 503 carry no documented body, so they cannot be told apart from
        # a proxy's (a mesh or egress proxy that forwarded the request, then lost the answer):
        # the money may have moved.
        return _unusable(
            call,
            response,
            "it came from Orchestra or a proxy in front of it (not retried: the request may "
            "have been forwarded)",
        )
    if status == 500:
        return errors.GatewayError(f"{name}: the payment gateway failed (500)", **common)
    if status == 503:
        what = _after(call, "temporarily unavailable (503)")
        return errors.GatewayUnavailableError(
            f"{name}: the payment gateway is {what}", attempts=call.attempt, **common
        )
    if status == 429:
        what = _after(call, "rate limited (429)")
        return errors.RateLimitError(
            f"{name}: {what}; nothing was processed", attempts=call.attempt, **common
        )
    return _unusable(call, response, "an undocumented status")


def _result_error(
    call: Call, response: httpx.Response, result: Any, code: str
) -> errors.OrchestraError:
    """A 2xx whose OperationResult says the money operation did not succeed."""
    name = call.op.operation_id
    common: dict[str, Any] = {"operation": name, "response": response, "body": _json(response)}
    if code in ("Rejected", "NotImplemented"):
        desc = getattr(result, "gateway_result_description", None)
        return errors.GatewayRejectedError(
            redact_text(
                f"{name}: {code} by the payment gateway "
                f"(gateway code {result.gateway_result_code!r}: {desc})"
            ),
            result=result,
            **common,
        )
    if code == "FatalFailure":
        return errors.GatewayError(f"{name}: the payment gateway failed (FatalFailure)", **common)
    if code == "TemporaryFailure":  # the gateway may still complete it (reconcile agrees)
        why = "operationResultCode 'TemporaryFailure' (the gateway may still complete it)"
        return _unusable(call, response, why, result)
    return _unusable(call, response, f"an unknown operationResultCode {code!r}", result)


def answer(call: Call, response: httpx.Response) -> Any:
    """The read answer of the last try as the facade's ``ApiResponse``, or (low-level) the
    response the generated code parses, checked first; else the typed exception."""
    op, status = call.op, response.status_code
    if status == 404 and call.ambiguous and op.gone_when_done:
        # The try whose answer was lost did the delete: this one finds nothing left.
        logger.info("%s: 404 after a try whose answer was lost: already done", op.operation_id)
        response = httpx.Response(200, request=call.request)
        status = 200
    if status not in _HTTP_STATUSES:  # 299, 999...: no known meaning
        raise _unusable(call, response, "an undocumented status")
    if not 200 <= status < 300:
        if not call.low_level or (op.moves_money and status not in _PARSED_ERRORS):
            raise status_error(call, response)
        if status in _PARSED_ERRORS:  # what the generated parser would choke on
            body = _json(response)
            if not isinstance(body, dict) or (status == 409 and _parse_result(body) is None):
                raise status_error(call, response)
        return response
    if op.success == "empty":
        return response if call.low_level else _api_response(call, response, None)
    if not response.content.strip():
        raise _unusable(call, response, "the body is empty")
    try:
        body = json.loads(response.content)
    except RecursionError:
        raise _unusable(call, response, "the body is nested too deep") from None
    except (ValueError, UnicodeDecodeError):
        raise _unusable(call, response, "the body is not JSON (truncated?)") from None
    expected = list if op.success == "array" else dict
    if not isinstance(body, expected):
        raise _unusable(call, response, f"the body is not a JSON {expected.__name__}")
    if call.low_level:
        if (op.checks_result or op.lookup) and _parse_result(body) is None:
            raise _unusable(call, response, "the body does not fit the documented model")
        return response
    code = body.get("operationResultCode") if isinstance(body, dict) else None
    if op.checks_result and not isinstance(code, str):
        raise _unusable(call, response, "the result has no operationResultCode")
    assert call.parse is not None
    try:
        result = call.parse(body)
    except _MODEL_ERRORS:
        raise _unusable(call, response, "the body does not fit the documented model") from None
    if op.checks_result:
        known = getattr(result.operation_result_code, "is_unknown", True) is False
        if code in _FAILURE_CODES or not known:
            raise _result_error(call, response, result, str(code))
    if op.moves_money or op.lookup:  # gateway text; never a token's own payload
        given = call.secrets()
        if shows_secret(response.content, given):
            scrub_model(result, given)
    extra = getattr(result, "additional_properties", None)
    if call.my_ref and isinstance(extra, dict):  # the API does not echo it
        extra.setdefault("myRef", call.my_ref)
    return _api_response(call, response, result)


def _api_response(call: Call, response: httpx.Response, result: Any) -> ApiResponse[Any]:
    return ApiResponse(
        status_code=response.status_code,
        headers=response.headers,
        content=response.content,
        parsed=result,
        operation=call.op.operation_id,
    )


def failure(call: Call, exc: Exception) -> errors.OrchestraError:
    """The typed exception for a call that failed, its whole chain redacted (an httpcore error
    may quote a header; a server may echo the request)."""
    op, name = call.op, call.op.operation_id
    error: errors.OrchestraError
    if isinstance(exc, httpx.RequestError):  # as httpx.Client.send would have tied it
        exc.request = call.request
    if isinstance(exc, errors.OrchestraError):
        error = exc
    elif isinstance(exc, QueueTimeout):
        waited = exc.waited
        logger.warning(
            "not sending %s: no connection came free in %.1f s (%d busy, %d waiting)",
            name,
            waited,
            exc.busy,
            exc.waiting,
        )
        error = errors.PoolTimeoutError(
            f"{name}: not sent: {exc}. Nothing reached Orchestra, so sending again is safe; "
            "make fewer calls at once, or raise limits.max_connections or the pool timeout.",
            operation=name,
            waited=waited,
        )
    elif isinstance(exc, httpx.TransportError):
        last, outcome = call.last_failure
        if last is not exc:  # not a failure a try came to (the whole call's timeout...)
            outcome = outcome_of_error(exc)
        if op.moves_money and outcome is Outcome.MAYBE_SENT:
            error = errors.outcome_unknown(
                op,
                call.facts,
                f"no answer after the request may have reached the gateway ({type(exc).__name__})",
            )
        else:
            failed = f"{name}: {errors.describe_failure(exc, call.request)}"
            if _refused_here(exc):
                failed += " (nothing listens there: is the server, or the sandbox, running?)"
            timed_out = isinstance(exc, httpx.TimeoutException)
            error = (errors.APITimeoutError if timed_out else errors.APIConnectionError)(
                failed, operation=name
            )
    elif isinstance(exc, httpx.RequestError):  # content that fails decoding (a bad gzip...)
        what = "the content failed decoding"
        if op.moves_money:
            error = errors.outcome_unknown(op, call.facts, f"an answer came but {what}")
        else:
            error = errors.UnexpectedResponseError(
                f"{name}: {what}", operation=name, status_code=0, excerpt=""
            )
    else:  # an event loop closed or changed, a backend's own exception
        what = f"the call failed after it may have been sent ({type(exc).__name__}: {exc})"
        if op.moves_money:
            error = errors.outcome_unknown(op, call.facts, what)
        else:
            error = errors.APIConnectionError(f"{name}: {what}", operation=name)
    if error is not exc:
        error.__cause__ = exc
        error.__suppress_context__ = True
    body_secrets = call.secrets()
    scrub_exception(error, body_secrets)
    scrub_model(getattr(error, "result", None), body_secrets)
    if error.my_ref is None:
        error.my_ref = call.my_ref
    return error


def settle(
    pipe: Pipeline, call: Call, error: errors.OrchestraError | None, result: Any = None
) -> None:
    """The call's end, told to its trace; a follow-up's answer came (or provably never will):
    unknown outcomes stay open."""
    call.trace.finish(getattr(result, "parsed", None), error)
    entry = call.entry
    if entry is None:
        return
    if isinstance(error, errors.OutcomeUnknownError):
        error._sent = entry
        return
    pipe.follow_ups.finished(entry, void=error is not None and errors.moved_nothing(error))


# --- try: the sync and async loops ------------------------------------------------------------


class Pipeline:
    """What one client (and its ``with_options`` copies) sends through: its httpx client, its
    retry policy, its record of follow-ups, and its clock (``orchestra_payments.testing``)."""

    blocking = False  # the sync client: never a money-moving call inside an event loop

    def __init__(
        self,
        http: httpx.Client | httpx.AsyncClient,
        transport: httpx.BaseTransport | httpx.AsyncBaseTransport,
        policy: RetryPolicy,
        owner: object,
        telemetry: Telemetry,
    ) -> None:
        self.http, self.transport = http, transport
        self._urls: dict[str, tuple[httpx.URL, httpx.URL]] = {}  # path -> (base, joined)
        self._headers: dict[tuple[Any, ...], tuple[httpx.Headers, str | None]] = {}
        self.telemetry = telemetry
        self.policy = policy
        self.owner = owner
        self.owner_name = type(owner).__name__
        self.follow_ups = FollowUpLog()
        self.clock: Callable[[], float] = time.monotonic
        self.rng = random.Random()  # noqa: S311 (jitter, not security)

    def build(
        self,
        method: str,
        url: str,
        content: bytes | None,
        params: Any,
        headers: Mapping[str, str] | None,
        per_try: httpx.Timeout | None,
        extensions: dict[str, Any] | None,
    ) -> tuple[httpx.Request, str | None]:
        """The request, as ``http.build_request`` would build it (the client's base URL,
        headers and timeout), with what does not change from call to call kept: joining a
        path to the base URL and merging headers cost more than the rest of the call; and the
        API key it carries (its errors must not show it, even one set on ``http_client``)."""
        http = self.http
        if "/." in url and any(part in (".", "..") for part in url.split("/")):
            raise errors.RequestValidationError(
                f"the path {url!r} holds a '.' or '..' segment, which would reach another "
                "resource; nothing was sent",
                field="path",
            )
        if http.cookies or http.params:  # set by hand on ``http_client``
            request = http.build_request(
                method,
                url,
                content=content,
                params=params,
                headers=headers,
                timeout=per_try or httpx.USE_CLIENT_DEFAULT,
                extensions=extensions,
            )
            return request, request.headers.get(API_KEY_HEADER)
        base = http.base_url  # may be changed by hand on ``http_client``
        kept = self._urls.get(url)
        if kept is None or kept[0] is not base:
            if len(self._urls) >= _KEPT:
                self._urls.clear()
            kept = self._urls[url] = (base, http.build_request(method, url).url)
        joined = kept[1]
        key = (*http.headers.raw, *(headers.items() if headers else ()))
        kept_headers = self._headers.get(key)
        if kept_headers is None:
            if len(self._headers) >= _KEPT:
                self._headers.clear()
            merged = http.headers.copy()
            merged.update(headers or {})
            # Whole before it is shared (the sync client's threads).
            kept_headers = self._headers[key] = (merged, merged.get(API_KEY_HEADER))
        merged, api_key = kept_headers
        timeout = (per_try or http.timeout).as_dict()
        request = httpx.Request(
            method,
            joined,
            content=content,
            params=params,
            headers=merged,
            extensions={"timeout": timeout, **extensions} if extensions else {"timeout": timeout},
        )
        return request, api_key

    def call(
        self,
        op: Operation | None,
        kwargs: dict[str, Any],
        parse: Callable[[Any], Any] | None,
        options: ClientOptions,
        per_call: RequestOptions,
        low_level: bool = False,
    ) -> Call:
        if op is None:  # a generated function names its operation in the extensions
            named = (kwargs.get("extensions") or {}).get("operation_id")
            op = BY_ENDPOINT.get(named) if isinstance(named, str) else None
            if op is None:
                raise errors.RequestValidationError(
                    f"not an operation of this API: {named!r} (build requests with the "
                    f"generated endpoint functions)",
                    field="extensions.operation_id",
                )
        if self.blocking and op.moves_money and _called_from_a_coroutine():
            # There ``await client.payment_gateway.charge(...)`` would fail only after the
            # payment was sent, and a caller who sees the error may well send it again.
            raise errors.ConfigurationError(
                f"{op.operation_id}: Orchestra is the blocking client, called from a coroutine: "
                "use AsyncOrchestra (and await its calls), or run the call in a thread "
                "(asyncio.to_thread); nothing was sent"
            )
        return Call(self, op, kwargs, parse, options, per_call, low_level)

    def conclude(self, call: Call, response: httpx.Response | None, exc: Exception | None) -> Any:
        """The last try's answer as the call's result, or the typed error raised (its
        follow-up settled and its trace finished either way)."""
        if response is not None:
            try:
                result = answer(call, response)
            except Exception as raised:
                exc = raised
            else:
                settle(self, call, None, result)
                return result
        assert exc is not None
        error = failure(call, exc)  # typed and redacted, then raised outside this block
        settle(self, call, error)
        raise error


def _called_from_a_coroutine() -> bool:
    """Whether the code that called the client (the first frame outside this library and the
    generated package, past generator expressions and lambdas) is a coroutine or an async
    generator: a notebook cell or a sync helper called from async code may block, but only
    those can ``await`` the result (or hand it to ``asyncio.gather``)."""
    frame = sys._getframe(1)
    while frame is not None and (
        frame.f_globals.get("__name__", "").startswith(_OURS) or frame.f_code.co_name in _INNER
    ):
        frame = frame.f_back  # type: ignore[assignment]
    return frame is not None and bool(frame.f_code.co_flags & _ASYNC)


_OURS = ("orchestra_payments.", "orchestra_api.")
_INNER = ("<genexpr>", "<lambda>", "<listcomp>", "<dictcomp>", "<setcomp>")
_ASYNC = inspect.CO_COROUTINE | inspect.CO_ASYNC_GENERATOR | inspect.CO_ITERABLE_COROUTINE


class SyncPipeline(Pipeline):
    http: httpx.Client
    transport: httpx.BaseTransport
    blocking = True
    sleep: Callable[[float], None] = time.sleep  # or the test's (``use_clock``)

    def run(self, call: Call) -> Any:
        try:
            response = self._tries(call)
        except Exception as exc:
            return self.conclude(call, None, exc)
        except BaseException as stopped:  # interrupted: a money call may have been sent
            call.trace.finish(None, stopped, maybe_sent=call.op.moves_money)
            raise
        return self.conclude(call, response, None)

    def _tries(self, call: Call) -> httpx.Response:
        while True:
            call.arm()
            response: httpx.Response | None = None
            try:
                try:
                    # What ``httpx.Client.send`` did that a call needs (its event hooks, its log
                    # line); no cookie is kept (a payments API has no session; one a proxy set
                    # would follow every call), no redirect followed.
                    try:
                        for hook in self.http.event_hooks["request"]:
                            hook(call.request)
                    except Exception as exc:
                        raise call.unsent(exc) from exc
                    response = self.transport.handle_request(call.request)
                    _received(call.request, response)
                    for hook in self.http.event_hooks["response"]:
                        hook(response)
                    # A body that trickles in would outlast every read's timeout: reading it
                    # ends with the budget (headers that trickle cannot be cut here).
                    assert isinstance(response.stream, httpx.SyncByteStream)
                    response.stream = _Budgeted(response.stream, call)
                    response.read()  # a body cut off mid-read is a try without an answer
                    response.elapsed = timedelta(seconds=self.clock() - call.sent)
                except BaseException:
                    if response is not None:  # its connection goes back to the pool
                        _close(response)
                    raise
            except httpx.TransportError as exc:
                wait = call.failed(exc, response is not None)
                if wait is None:
                    raise
                self.sleep(wait)
                continue
            wait = call.after(response)
            if wait is None:
                return response
            _close(response)
            self.sleep(wait)


async def _asyncio_sleep(seconds: float) -> None:
    import asyncio  # kept off the import path of sync users

    await asyncio.sleep(seconds)


class AsyncPipeline(Pipeline):
    http: httpx.AsyncClient
    transport: httpx.AsyncBaseTransport
    sleep: Callable[[float], Awaitable[None]] = staticmethod(_asyncio_sleep)

    async def run(self, call: Call) -> Any:
        import asyncio  # kept off the import path of sync users

        try:
            response = await self._tries(call)
        except Exception as exc:
            return self.conclude(call, None, exc)
        except BaseException as stopped:  # cancelled: a money call may have been sent
            call.trace.finish(None, stopped, maybe_sent=call.op.moves_money)
            if isinstance(stopped, asyncio.CancelledError) and call.op.moves_money:
                logger.warning(
                    "%s cancelled while in flight (myRef %r): it may have reached the gateway; "
                    "reconcile before sending it again",
                    call.op.operation_id,
                    call.my_ref,
                )
            raise
        return self.conclude(call, response, None)

    async def _tries(self, call: Call) -> httpx.Response:
        import asyncio

        while True:
            call.arm()
            response: httpx.Response | None = None
            try:
                try:
                    # Each read has its timeout, but an answer that trickles in (a byte at a
                    # time, endless 1xx lines) would outlast them all: the try as a whole ends
                    # with the budget (and a little more, so that the pool and read timeouts,
                    # cut to the budget, speak first: a wait in the queue was never sent).
                    async with asyncio.timeout(max(call.left(), 0.001) + _OVERRUN_GRACE):
                        try:
                            for hook in self.http.event_hooks["request"]:
                                await hook(call.request)
                        except Exception as exc:
                            raise call.unsent(exc) from exc
                        response = await self.transport.handle_async_request(call.request)
                        _received(call.request, response)
                        for hook in self.http.event_hooks["response"]:
                            await hook(response)
                        assert isinstance(response.stream, httpx.AsyncByteStream)
                        response.stream = _AsyncBudgeted(response.stream, call)
                        await response.aread()  # cut off mid-read: a try without an answer
                        response.elapsed = timedelta(seconds=self.clock() - call.sent)
                except BaseException:
                    if response is not None:  # its queue place and connection come back
                        await _aclose(response)
                    raise
            except (httpx.TransportError, TimeoutError) as exc:
                error = exc if isinstance(exc, httpx.TransportError) else call.overrun()
                wait = call.failed(error, response is not None)
                if wait is None:
                    if error is exc:
                        raise
                    raise error from exc
                await self.sleep(wait)
                continue
            wait = call.after(response)
            if wait is None:
                return response
            await _aclose(response)
            await self.sleep(wait)


_HTTPX_LOG = logging.getLogger("httpx")


def _received(request: httpx.Request, response: httpx.Response) -> None:
    """The answer tied to its request, and httpx's own line for it, as ``httpx.Client.send``
    logs it (redacted by the library's log filter)."""
    response.request = request
    if _HTTPX_LOG.isEnabledFor(logging.INFO):
        _HTTPX_LOG.info(
            'HTTP Request: %s %s "%s %d %s"',
            request.method,
            request.url,
            response.http_version,
            response.status_code,
            response.reason_phrase,
        )


_OVERRUN_GRACE = 0.25  # seconds past the budget before a try that still has no answer is cut


class _Budgeted(httpx.SyncByteStream):
    """A response body whose reading stops when the call's budget runs out."""

    def __init__(self, stream: httpx.SyncByteStream, call: Call) -> None:
        self._stream, self._call = stream, call

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._stream:
            if self._call.left() <= 0:
                raise self._call.overrun()
            yield chunk

    def close(self) -> None:
        self._stream.close()


class _AsyncBudgeted(httpx.AsyncByteStream):
    """The async ``_Budgeted`` (a stalled read is cut by the try's ``asyncio.timeout``)."""

    def __init__(self, stream: httpx.AsyncByteStream, call: Call) -> None:
        self._stream, self._call = stream, call

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            if self._call.left() <= 0:
                raise self._call.overrun()
            yield chunk

    async def aclose(self) -> None:
        await self._stream.aclose()


def _close(response: httpx.Response) -> None:
    """Close an answer that is given up on; a failure to close it changes nothing."""
    try:
        response.close()
    except Exception:
        logger.debug("closing an abandoned answer failed", exc_info=True)


async def _aclose(response: httpx.Response) -> None:
    try:
        await response.aclose()
    except Exception:
        logger.debug("closing an abandoned answer failed", exc_info=True)
