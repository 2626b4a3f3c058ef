"""Orchestra and AsyncOrchestra: configured clients with the typed facade, and reconciliation.

A call goes facade method -> ``_request`` here -> ``_pipeline`` (build, try, answer) ->
``_transport`` -> httpx. ``payment_gateway.reconcile`` asks ``status`` (never a money-moving
call) what became of a money-moving request whose answer was lost: a charge or authorize by its
``myRef`` (always sent: generated when absent); a capture, refund or void by the original's
``refTransId``, whose lookup reports the transaction's latest operation only, so the verdict
weighs it against the follow-ups this client sent on the transaction (``FollowUpLog``).

A verdict is never a guess: ``"succeeded"``, ``"declined"`` and ``"not_found"`` only when the
lookups prove them (under the assumptions the README states), else ``"undetermined"`` with a
``reason``. ``wait`` bounds the whole call: each lookup's deadline is what is left of it.
"""

from __future__ import annotations

import contextlib
import inspect
import logging
import math
import os
from collections.abc import Awaitable, Callable, Coroutine, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import (
    TYPE_CHECKING,
    Any,
    Concatenate,
    Generic,
    Literal,
    NamedTuple,
    ParamSpec,
    Self,
    TypeVar,
    Unpack,
)

import httpx

from orchestra_api.client import AuthenticatedClient

from . import _errors as errors
from ._generated_facade import (
    AsyncPaymentGateway,
    AsyncResources,
    AsyncResourcesRaw,
    PaymentGateway,
    Resources,
    ResourcesRaw,
)
from ._generated_operations import FOLLOW_UPS, ORIGINALS, Operation
from ._generated_params import StatusParams
from ._pipeline import (
    API_KEY_HEADER,
    DEFAULTS,
    AsyncPipeline,
    ClientOptions,
    FollowUpLog,
    RequestOptions,
    RetryPolicy,
    SentFollowUp,
    SyncPipeline,
    TimeoutTypes,
    TransactionRecord,
    check_headers,
    is_loopback,
)
from ._redact import install_log_filter, register_secret
from ._telemetry import Hooks, ReconcileTrace, Telemetry, package_version
from ._transport import DEFAULT_LIMITS, HttpBackend, open_transport

if TYPE_CHECKING:
    from orchestra_api.models.operation_result import OperationResult

T = TypeVar("T")
P = ParamSpec("P")
logger = logging.getLogger("orchestra_payments")
EventHooks = Mapping[str, list[Callable[..., Any]]]

DEFAULT_BASE_URL = "https://api.orchestrasolutions.com"
# A payment gateway can take tens of seconds to answer; connecting should not.
DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=60.0, write=10.0, pool=10.0)
# reconcile(): ask status until a definite answer, waiting 0.5 s, 1 s, 2 s, 4 s, 4 s...
DEFAULT_RECONCILE_WAIT = 30.0
# "not_found" needs every lookup to find nothing over at least this many seconds: a gateway
# still processing the operation answers "not found" for a while.
RECONCILE_MIN_WINDOW = 10.0
# The last lookup starts at least this long before the wait ends (its deadline).
RECONCILE_LOOKUP_TIME = 0.5
RECONCILE_WAIT_INITIAL = 0.5
RECONCILE_WAIT_MAX = 4.0


# --- settings ---------------------------------------------------------------------------------


class Settings(NamedTuple):
    api_key: str
    base_url: str

    def __repr__(self) -> str:
        return f"Settings(base_url={self.base_url!r}, api_key=<redacted>)"


def check_api_key(key: object) -> str:
    """An API key is sent as a header value: printable ASCII only. Messages never echo it."""
    if not isinstance(key, str):
        raise errors.ConfigurationError(f"The API key must be a string, not {type(key).__name__}.")
    if key != key.strip() or any(ch in key for ch in "\r\n\t "):
        raise errors.ConfigurationError("The API key contains whitespace; check how it was loaded.")
    bad = next((i for i, ch in enumerate(key) if not "!" <= ch <= "~"), None)
    if bad is not None:
        control = ord(key[bad]) < 32 or ord(key[bad]) == 127
        what = "a control character" if control else "a character outside printable ASCII"
        raise errors.ConfigurationError(
            f"The API key contains {what} (at position {bad} of {len(key)}); "
            "check how it was loaded."
        )
    return key


def resolve_settings(api_key: str | None, base_url: str | None) -> Settings:
    key = api_key if api_key is not None else os.environ.get("ORCHESTRA_API_KEY")
    if key is None or (isinstance(key, str) and not key.strip()):
        raise errors.ConfigurationError(
            "No API key: pass Orchestra(api_key=...) or set ORCHESTRA_API_KEY."
        )
    check_api_key(key)
    url = base_url
    if url is None:
        env_base = os.environ.get("ORCHESTRA_BASE_URL") or None
        env_api = os.environ.get("ORCHESTRA_API_URL") or None
        if env_base and env_api and env_base.rstrip("/") != env_api.rstrip("/"):
            raise errors.ConfigurationError(
                "ORCHESTRA_BASE_URL and ORCHESTRA_API_URL are both set and disagree; "
                "unset one of them or pass base_url=..."
            )
        url = env_base or env_api or DEFAULT_BASE_URL
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise errors.ConfigurationError(f"base_url {url!r} is not a URL") from exc
    if parsed.scheme not in ("https", "http") or not parsed.host:
        raise errors.ConfigurationError(f"base_url {url!r} must be an https:// URL")
    if parsed.scheme == "http" and not is_loopback(parsed.host):
        raise errors.ConfigurationError(
            f"Refusing to send the API key over plain http:// to {parsed.host}: use https://, "
            "or a loopback address (127.0.0.1, localhost) for a local sandbox."
        )
    return Settings(api_key=key, base_url=str(parsed).rstrip("/"))


# --- reconciliation ---------------------------------------------------------------------------


Verdict = Literal["succeeded", "declined", "not_found", "undetermined"]

# An operation by either name: "GatewayRefund" or "refund".
_NAMES = {n: op for op in (*ORIGINALS, *FOLLOW_UPS) for n in (op, op[len("Gateway") :].lower())}
# Lookups that failed on the way (a proxy's 502, an empty or cut body, a 500, no answer): asked
# again within the wait; a 400, 401 or NotImplemented is final.
_TRANSIENT = (
    errors.GatewayUnavailableError,
    errors.RateLimitError,
    errors.APIConnectionError,
    errors.GatewayError,
    errors.UnexpectedResponseError,
)
_LANDED = ("Success", "Accepted")


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """What became of a money-moving request.

    Attributes:
        verdict: ``"succeeded"`` (it happened: do not send it again), ``"declined"`` (the
            gateway refused it: no money moved), ``"not_found"`` (every lookup over at least
            ``RECONCILE_MIN_WINDOW`` seconds found nothing: it did not happen, and sending it
            again is safe), ``"undetermined"`` (the lookups do not prove any of these: do not
            send it again; reconcile later or check the gateway's own records).
        result: the ``OperationResult`` the last lookup reported, or None.
        lookups: how many status lookups were made.
        reason: what the verdict rests on, or why it could not be reached, for a person.
    """

    verdict: Verdict
    result: OperationResult | None
    lookups: int = 0
    reason: str = ""


class _Target(NamedTuple):
    operation: str  # operationId
    kind: str  # the operationType that means "landed" ("Charge", "Refund"...)
    kinds: frozenset[str]  # for an original given without operation=: Charge or PreAuth
    body: StatusParams  # the status request
    amount: float | None
    this: SentFollowUp | None = None  # the client's record of this follow-up, if it has one
    record: TransactionRecord | None = None  # the client's record of the transaction's follow-ups
    evicted: bool = False  # the client had a record of this follow-up and no longer has it

    @property
    def what(self) -> str:
        amount = "" if self.amount is None else f" of {self.amount:.2f}"
        return f"this {self.kind.lower()}{amount}"


def _target(
    error: errors.OutcomeUnknownError | None,
    log: FollowUpLog,
    *,
    my_ref: str | None,
    ref_trans_id: str | None,
    operation: str | None,
    amount: float | Decimal | None,
    payment_gateway_account_name: str | None,
    payment_gateway_account: Any,
) -> _Target:
    if error is not None and not isinstance(error, errors.OutcomeUnknownError):
        raise errors.RequestValidationError(
            f"reconcile takes an OutcomeUnknownError, got {type(error).__name__}",
            field="error",
        )
    account_name = payment_gateway_account_name
    sent: SentFollowUp | None = None
    if error is not None:
        operation = operation or error.operation
        my_ref = my_ref or error.my_ref
        ref_trans_id = ref_trans_id or error.ref_trans_id
        amount = amount if amount is not None else error.amount
        account_name = account_name or error.payment_gateway_account_name
        sent = error._sent if isinstance(error._sent, SentFollowUp) else None
    if operation is None and ref_trans_id and not my_ref:
        raise errors.RequestValidationError(
            "a follow-up is reconciled by refTransId and its operation: pass operation= "
            '("capture", "refund" or "void") and amount=',
            field="operation",
        )
    op = _NAMES.get(operation or "")
    if operation is not None and op is None:
        raise errors.RequestValidationError(
            f"operation {operation!r} is not a money-moving operation: one of "
            f"{', '.join(sorted(n for n in _NAMES if n.islower()))}",
            field="operation",
        )
    if amount is not None and (
        isinstance(amount, bool)
        or not isinstance(amount, int | float | Decimal)
        or not math.isfinite(amount)
    ):
        raise errors.RequestValidationError("amount must be a finite number", field="amount")
    where: StatusParams = {}
    if account_name:
        where["paymentGatewayAccountName"] = account_name
    elif payment_gateway_account is not None:
        where["paymentGatewayAccount"] = payment_gateway_account
    else:
        raise errors.RequestValidationError(
            "reconcile needs the gateway account of the original request: pass "
            "payment_gateway_account_name= (or payment_gateway_account= for an inline account)",
            field="payment_gateway_account_name",
        )
    if op in FOLLOW_UPS:
        kind = FOLLOW_UPS[op]
        if not ref_trans_id:
            raise errors.RequestValidationError(
                f"{op} is reconciled by the refTransId of the original transaction: pass "
                f"ref_trans_id=",
                field="ref_trans_id",
            )
        if amount is None:
            raise errors.RequestValidationError(
                f"{op} is reconciled by refTransId, type and amount (the lookup reports the "
                "transaction's latest operation, which must be told from other follow-ups): "
                "pass amount=",
                field="amount",
            )
        record = log.record(ref_trans_id)
        this = _find(record, kind, float(amount), sent)
        body: StatusParams = {"refTransId": ref_trans_id, **where}
        evicted = sent is not None and this is None
        return _Target(op, kind, frozenset({kind}), body, float(amount), this, record, evicted)
    if not my_ref:
        raise errors.RequestValidationError(
            "a charge or authorize is reconciled by its myRef, and this one has none (sent "
            "without myRef through the low-level client?): it cannot be looked up",
            field="my_ref",
        )
    kinds = frozenset({ORIGINALS[op]}) if op else frozenset(ORIGINALS.values())
    return _Target(
        op or "GatewayCharge",
        ORIGINALS[op] if op else "charge or authorize",
        kinds,
        {"myRef": my_ref, **where},
        None if amount is None else float(amount),
    )


def _find(
    record: TransactionRecord | None, kind: str, amount: float, sent: SentFollowUp | None
) -> SentFollowUp | None:
    """This follow-up in the client's record: the one the error carries, or (reconciled by
    reference) the only one of its type and amount that may have reached the gateway."""
    if record is None:
        return None
    if sent is not None:
        return sent if any(e is sent for e in record.follow_ups) else None
    alike = [
        e for e in record.follow_ups if e.kind == kind and _same(e.amount, amount) and not e.void
    ]
    return alike[0] if len(alike) == 1 else None


def _same(a: float | None, b: object) -> bool:
    if a is None or isinstance(b, bool) or not isinstance(b, int | float):
        return False
    return abs(float(b) - a) < 1e-6


_Step = Literal["succeeded", "declined", "undetermined", "absent", "unclear"]
_Why = tuple[_Step, str]  # a lookup's step towards the verdict, and why


def _judge(t: _Target, outcome: OperationResult | errors.OrchestraError) -> _Why:
    """One lookup's answer, for this target, and why."""
    if isinstance(outcome, errors.TransactionNotFoundError):
        return "absent", "the gateway found no such transaction"
    if isinstance(outcome, _TRANSIENT):
        return "unclear", f"a lookup failed ({type(outcome).__name__})"
    if isinstance(outcome, errors.OrchestraError):  # 400, 401, 5xx, an unusable answer
        return "undetermined", f"the gateway could not answer the lookup ({type(outcome).__name__})"
    code = str(outcome.operation_result_code)
    kind = str(outcome.operation_type)
    amount = outcome.amount
    seen = f"the transaction's latest operation is a {kind} of {amount} ({code})"
    if code == "NotImplemented":
        return "undetermined", "the gateway does not support status lookups (NotImplemented)"
    judge = _judge_original if t.operation in ORIGINALS else _judge_follow_up
    return judge(t, kind, code, amount, seen)


def _result_step(code: str, seen: str) -> _Why:
    if code in _LANDED:
        return "succeeded", seen
    if code == "Rejected":
        return "declined", seen
    if code == "TemporaryFailure":
        return "unclear", f"{seen}: the gateway may still complete it"
    return "undetermined", f"{seen}: a result code that proves nothing"


def _judge_original(t: _Target, kind: str, code: str, amount: object, seen: str) -> _Why:
    if kind in t.kinds:
        if t.amount is not None and not _same(t.amount, amount):
            return "unclear", f"{seen}, not {t.amount:.2f}: another payment with this myRef?"
        return _result_step(code, seen)
    if kind in FOLLOW_UPS.values():
        if code in _LANDED:  # a follow-up landed on it: the original took place
            return "succeeded", f"{seen}: the original took place"
        return "undetermined", f"{seen}: it does not show whether the original succeeded"
    return "undetermined", f"{seen}, not a {t.kind}"


def _judge_follow_up(t: _Target, kind: str, code: str, amount: object, seen: str) -> _Why:
    """The lookup reports the transaction's latest operation; which follow-up it is follows
    from what this client sent (assumed: no other process sends follow-ups on it)."""
    if kind in ORIGINALS.values():
        return "absent", f"{seen}: no follow-up has landed on it"
    if t.evicted:
        return "undetermined", (
            f"{seen}; this client no longer holds its record of the transaction's follow-ups "
            "(more than it keeps), so it cannot tell which one the lookup reports"
        )
    record, this = t.record, t.this
    incomplete = record is not None and not record.complete
    others = [e for e in (record.follow_ups if record else []) if e is not this and not e.void]
    same = [e for e in others if e.kind == kind and _same(e.amount, amount)]
    if kind == t.kind:
        if not _same(t.amount, amount):
            return "unclear", f"{seen}, not {t.what}"
        if same or incomplete:
            return "undetermined", (
                f"{seen}, but this client also sent another {kind.lower()} of that amount on "
                f"the transaction: the lookup cannot tell which one it reports"
            )
        step, why = _result_step(code, seen)
        if this is None and step in ("succeeded", "declined"):
            why += (
                "; this client has no record of it, so the verdict assumes no other "
                f"{kind.lower()} of that amount was sent on the transaction"
            )
        return step, why
    if this is None or incomplete:
        return "undetermined", (
            f"{seen}; this client has no record of {t.what}, so it cannot tell whether the "
            f"{kind.lower()} came before or after it"
        )
    if any(e.may_follow(this) for e in same):
        return "undetermined", (
            f"{seen}, which this client sent after (or while) {t.what} was sent: it hides "
            f"whether {t.what} landed"
        )
    if not same:
        return "undetermined", (
            f"{seen}, which this client did not send: it may have come after {t.what}"
        )
    return "absent", f"{seen}, which was answered before {t.what} was sent"


class _Window:
    """The bounded wait: backoff between lookups, each with what is left as its deadline."""

    def __init__(self, target: _Target, wait: float, pipe: SyncPipeline | AsyncPipeline) -> None:
        if isinstance(wait, bool) or not isinstance(wait, int | float) or not wait >= 0:
            raise errors.RequestValidationError(
                "wait must be a number of seconds, 0 or more", field="wait"
            )
        self.target = target
        self.log = pipe.follow_ups
        self.telemetry = pipe.telemetry
        self.error: errors.OutcomeUnknownError | None = None
        self.wait = float(wait)
        self.clock = pipe.clock
        self.end = self.clock() + self.wait
        self.delay = RECONCILE_WAIT_INITIAL
        self.count = 0  # lookups made
        self.pause: float | None = None
        self.result: OperationResult | None = None
        self.done: Reconciliation | None = None  # a final verdict from one lookup
        self.unclear: str | None = None
        self.absent: list[float] = []  # when lookups found nothing
        self.absent_why = ""
        self.final: str | None = None

    def left(self) -> float:
        return self.end - self.clock()

    def lookups(self) -> Iterator[None]:
        """One step a lookup, while time is left (after each wait) and no verdict is in."""
        while self.left() > 0:
            yield
            if self.pause is None:
                return

    @contextlib.contextmanager
    def answering(self) -> Iterator[None]:
        """A lookup whose error is its answer (but for a client closed while reconciling)."""
        try:
            yield
        except errors.ClientClosedError:
            raise
        except errors.OrchestraError as exc:
            self.take(exc)

    def take(self, outcome: OperationResult | errors.OrchestraError) -> None:
        """Weigh one lookup's answer: ``pause`` becomes the seconds to wait before the next, or
        None when the verdict is in or the wait is over (the last lookup keeps
        ``RECONCILE_LOOKUP_TIME`` to answer)."""
        self.pause = self._weigh(outcome)

    def _weigh(self, outcome: OperationResult | errors.OrchestraError) -> float | None:
        self.count += 1
        if not isinstance(outcome, errors.OrchestraError):
            self.result = outcome
        elif getattr(outcome, "result", None) is not None:
            self.result = getattr(outcome, "result", None)
        step, why = _judge(self.target, outcome)
        if step in ("succeeded", "declined", "undetermined"):
            self.done = Reconciliation(step, self.result, self.count, why)
            return None
        if step == "unclear":
            self.unclear = why
        else:
            self.absent.append(self.clock())
            self.absent_why = why
        room = self.left() - RECONCILE_LOOKUP_TIME
        if room <= 0:
            return None
        pause = min(self.delay, room)
        self.delay = min(self.delay * 2, RECONCILE_WAIT_MAX)
        return pause

    @contextlib.contextmanager
    def traced(self) -> Iterator[None]:
        """The reconciliation as a span linked to the lost call, its verdict counted."""
        trace = ReconcileTrace(self.telemetry, self.target.operation, self.error, self.clock)
        try:
            yield
        except BaseException as exc:
            trace.finish(None, self.count, exc)
            raise
        trace.finish(self.final, self.count, None)

    def verdict(self) -> Reconciliation:
        """The verdict; what it proves about this follow-up goes into the client's record: one
        not found never landed (its resend can then be told from it)."""
        outcome = self.done if self.done is not None else self._without_proof()
        self.final = outcome.verdict
        this = self.target.this
        if this is not None and outcome.verdict != "undetermined":
            self.log.resolved(this, landed=outcome.verdict != "not_found")
        return outcome

    def _without_proof(self) -> Reconciliation:
        """The verdict when no lookup gave a final one."""
        n = self.count
        if self.unclear is not None:
            return Reconciliation("undetermined", self.result, n, self.unclear)
        if not self.absent:
            why = (
                f"wait={self.wait:g} s left no time for a lookup; a 'not_found' needs lookups "
                f"over at least {RECONCILE_MIN_WINDOW:g} s"
            )
            return Reconciliation("undetermined", None, n, why)
        span = self.absent[-1] - self.absent[0]
        found = f"{n} lookup{'s' if n != 1 else ''} over {span:.1f} s: {self.absent_why}"
        if n >= 2 and span >= RECONCILE_MIN_WINDOW:
            return Reconciliation("not_found", self.result, n, found)
        why = (
            f"{found}; but a 'not_found' needs lookups over at least "
            f"{RECONCILE_MIN_WINDOW:g} s (the gateway may still be processing it): pass "
            f"wait= of at least {RECONCILE_MIN_WINDOW + RECONCILE_LOOKUP_TIME:g} s"
        )
        return Reconciliation("undetermined", self.result, n, why)


def _begin(
    self: PaymentGateway | AsyncPaymentGateway,
    error: errors.OutcomeUnknownError | None,
    wait: float,
    **lookup: Any,
) -> _Window:
    """The wait of one reconcile, called with its arguments (``_begin(**locals())``)."""
    client: Any = self._client  # Orchestra or AsyncOrchestra (or a with_options copy)
    if client._http.is_closed:
        name = type(client).__name__
        raise errors.ClientClosedError(
            f"reconcile: this {name} was closed; nothing was sent. Reconcile with an open "
            f"{name} (the error carries everything it needs)."
        )
    pipe = client._pipeline
    window = _Window(_target(error, pipe.follow_ups, **lookup), wait, pipe)
    window.error = error
    return window


class ReconcilingPaymentGateway(PaymentGateway):
    """Payment gateway operations, plus ``reconcile``."""

    __slots__ = ()

    def reconcile(
        self,
        error: errors.OutcomeUnknownError | None = None,
        *,
        my_ref: str | None = None,
        ref_trans_id: str | None = None,
        operation: str | None = None,
        amount: float | Decimal | None = None,
        payment_gateway_account_name: str | None = None,
        payment_gateway_account: Any = None,
        wait: float = DEFAULT_RECONCILE_WAIT,
    ) -> Reconciliation:
        """Find out what became of a money-moving request whose answer was lost.

        Asks ``status`` (never a money-moving call) with backoff until a definite answer or
        until ``wait`` seconds have passed; ``wait`` bounds the whole call.

        Args:
            error: the ``OutcomeUnknownError``; or, for a caller who stored the reference
                and lost the exception, ``my_ref=`` (charge/authorize) or ``ref_trans_id=``
                with ``operation=`` ("capture", "refund", "void") and ``amount=`` (required),
                with ``payment_gateway_account_name=`` (or ``payment_gateway_account=``).
            wait: the longest time the call takes, in seconds. A ``"not_found"`` needs lookups
                over at least ``RECONCILE_MIN_WINDOW`` (10 s), so a shorter wait can only
                answer ``"succeeded"``, ``"declined"`` or ``"undetermined"``.

        Returns:
            a ``Reconciliation`` with ``verdict``, ``reason`` and ``result``.

        Raises:
            RequestValidationError: nothing to look the request up by.
            ClientClosedError: the client was closed.
        """
        window = _begin(**locals())
        sleep = self._client._pipeline.sleep  # type: ignore[attr-defined]
        with window.traced():
            for _ in window.lookups():
                with window.answering():
                    window.take(self.status(window.target.body, deadline=window.left()))
                if window.pause is not None:
                    sleep(window.pause)
            return window.verdict()


def _arguments_of(
    sync: Callable[Concatenate[Any, P], Any],
) -> Callable[
    [Callable[..., Coroutine[Any, Any, T]]], Callable[Concatenate[Any, P], Coroutine[Any, Any, T]]
]:
    """The async twin of a sync method takes its arguments, written once: ``help()``,
    ``inspect.signature`` and mypy show them on both."""

    def twin(method: Callable[..., Coroutine[Any, Any, T]]) -> Any:
        method.__signature__ = inspect.signature(sync)  # type: ignore[attr-defined]
        method.__annotations__ = dict(sync.__annotations__)
        return method

    return twin


class AsyncReconcilingPaymentGateway(AsyncPaymentGateway):
    """Payment gateway operations, plus ``reconcile`` (async)."""

    __slots__ = ()

    @_arguments_of(ReconcilingPaymentGateway.reconcile)
    async def reconcile(self, *args: Any, **kwargs: Any) -> Reconciliation:
        """Find out what became of a money-moving request whose answer was lost: the async
        twin of ``Orchestra.payment_gateway.reconcile``, same arguments, same verdicts."""
        bound = inspect.signature(ReconcilingPaymentGateway.reconcile).bind(self, *args, **kwargs)
        bound.apply_defaults()
        window = _begin(**bound.arguments)
        sleep: Callable[[float], Awaitable[None]] = self._client._pipeline.sleep  # type: ignore[attr-defined]
        with window.traced():
            for _ in window.lookups():
                with window.answering():
                    window.take(await self.status(window.target.body, deadline=window.left()))
                if window.pause is not None:
                    await sleep(window.pause)
            return window.verdict()


# --- the clients ------------------------------------------------------------------------------


class _LowLevel(AuthenticatedClient):
    """The generated client whose endpoint functions send through the Orchestra client's
    pipeline (``send``/``asend``): the same checks, retries and typed errors as the facade."""

    _orchestra: Any = None

    def _run(self, kwargs: dict[str, Any], asynchronous: bool) -> Any:
        owner = self._orchestra
        if isinstance(owner, AsyncOrchestra) is not asynchronous:
            mine, use = (
                ("an AsyncOrchestra", "asyncio") if not asynchronous else ("an Orchestra", "sync")
            )
            raise errors.ConfigurationError(
                f"this low-level client belongs to {mine}: use the {use} functions"
            )
        pipe = owner._pipeline
        return pipe.run(pipe.call(None, kwargs, None, owner._options, {}, True))

    def send(self, kwargs: dict[str, Any]) -> httpx.Response:
        response: httpx.Response = self._run(kwargs, asynchronous=False)
        return response

    async def asend(self, kwargs: dict[str, Any]) -> httpx.Response:
        response: httpx.Response = await self._run(kwargs, asynchronous=True)
        return response


_Http = TypeVar("_Http", bound=httpx.Client | httpx.AsyncClient)
_Gateway = TypeVar("_Gateway", bound=PaymentGateway | AsyncPaymentGateway)
_Raw = TypeVar("_Raw", bound=ResourcesRaw | AsyncResourcesRaw)
_Transport = TypeVar("_Transport", bound=httpx.BaseTransport | httpx.AsyncBaseTransport)


class _BaseOrchestra(Generic[_Http, _Gateway, _Raw, _Transport]):
    """What Orchestra and AsyncOrchestra share; each names its httpx client and the classes of
    its ``payment_gateway`` and ``with_raw_response``."""

    _facade_client: Any
    _http: _Http
    _pipeline: SyncPipeline | AsyncPipeline
    _gateway: type[_Gateway]
    _raw: type[_Raw]
    _kinds: tuple[type[_Http], type[Any], bool]  # the httpx client, the pipeline, async?
    # What a with_options() copy shares with its client (resources are built per copy).
    _SHARED = ("_settings", "timeout", "retry", "_http", "_pipeline")

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        transport: _Transport | None = None,
        limits: httpx.Limits = DEFAULT_LIMITS,
        proxy: str | httpx.Proxy | None = None,
        event_hooks: EventHooks | None = None,
        headers: Mapping[str, str] | None = None,
        http_backend: HttpBackend = "httpx",
        hooks: Sequence[Hooks] = (),
        tracing: bool = True,
    ) -> None:
        install_log_filter()
        self._settings = resolve_settings(api_key, base_url)
        register_secret(self._settings.api_key, self)
        self.timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self.retry = retry or RetryPolicy()
        self._options = DEFAULTS
        self._facade_client = self
        merged = {"User-Agent": f"orchestra-payments-python/{package_version()}", **(headers or {})}
        merged[API_KEY_HEADER] = self._settings.api_key
        _check_configured(merged, self)
        http_type, pipeline_type, asynchronous = self._kinds
        sender: Any = open_transport(
            http_backend, transport, limits=limits, proxy=proxy, asynchronous=asynchronous
        )
        self._http = http_type(
            base_url=self.base_url,
            headers=merged,
            timeout=self.timeout,
            event_hooks=dict(event_hooks) if event_hooks else None,
            transport=sender,
        )
        telemetry = Telemetry(hooks, tracing)
        self._pipeline = pipeline_type(self._http, sender, self.retry, self, telemetry)

    def _request(
        self,
        op: Operation,
        kwargs: dict[str, Any],
        parse: Callable[[Any], Any] | None,
        **options: Unpack[RequestOptions],
    ) -> Any:
        """The facade's call: an ``ApiResponse`` (a coroutine of one for ``AsyncOrchestra``)."""
        pipe = self._pipeline
        return pipe.run(pipe.call(op, kwargs, parse, self._options, options))

    def with_options(
        self,
        *,
        timeout: TimeoutTypes = None,
        retry: RetryPolicy | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Self:
        """A copy of this client with other defaults for each call, sharing its connection
        pool (closing either closes both).

        Args:
            timeout: seconds for each whole call (tries and waits included), or an
                ``httpx.Timeout`` for each try.
            retry: the ``RetryPolicy`` of each call.
            headers: added to each request (a call's ``extra_headers`` win).

        Raises:
            ConfigurationError: a header value that cannot go on the wire.
        """
        clone = object.__new__(type(self))
        if headers:
            _check_configured(headers, clone)  # a key among them lives as long as the copy
        for name in self._SHARED:  # the connections, key, policies and follow-up record
            setattr(clone, name, getattr(self, name))
        clone._options = ClientOptions(
            timeout=self._options.timeout if timeout is None else timeout,
            retry=retry or self._options.retry,
            headers={**(self._options.headers or {}), **(headers or {})} or None,
        )
        clone._facade_client = clone
        register_secret(self._settings.api_key, clone)
        return clone

    @property
    def base_url(self) -> str:
        return self._settings.base_url

    @property
    def http_client(self) -> _Http:
        return self._http

    @cached_property
    def payment_gateway(self) -> _Gateway:
        """Payment gateway operations, plus ``reconcile`` for an unknown outcome."""
        return self._gateway(self._facade_client)

    @cached_property
    def with_raw_response(self) -> _Raw:
        """The same operations, returning ``ApiResponse`` (status, headers, bytes, parsed)."""
        raw = self._raw()
        raw._facade_client = self._facade_client
        return raw

    @cached_property
    def low_level(self) -> AuthenticatedClient:
        """The generated client sending through this one's pipeline, pool, key, timeouts and
        retries: ``gateway_charge.sync_detailed(client=orchestra.low_level, body=...)``, or
        ``await gateway_charge.asyncio_detailed(client=orchestra.low_level, ...)`` (async)."""
        # The key travels in the shared httpx client's headers, never in this object's fields.
        client = _LowLevel(
            self.base_url,
            token="",
            prefix="",
            auth_header_name=API_KEY_HEADER,
            timeout=self.timeout,
        )
        client._orchestra = self
        if isinstance(self._http, httpx.Client):
            return client.set_httpx_client(self._http)
        return client.set_async_httpx_client(self._http)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"


def _check_configured(headers: Mapping[str, str], owner: object) -> None:
    try:
        check_headers(headers, owner)
    except errors.RequestValidationError as exc:
        raise errors.ConfigurationError(str(exc).replace("; nothing was sent", "")) from None


class Orchestra(
    _BaseOrchestra[httpx.Client, ReconcilingPaymentGateway, ResourcesRaw, httpx.BaseTransport],
    Resources,
):
    """The Orchestra API client (sync, thread-safe).

    ``client.payment_gateway.charge(...)`` returns the parsed success or raises an
    ``OrchestraError``; ``client.with_raw_response.<resource>.<method>`` returns an
    ``ApiResponse`` with status, headers and bytes as well.

    Args:
        api_key: the API key; else ``ORCHESTRA_API_KEY``. Required.
        base_url: else ``ORCHESTRA_BASE_URL``, else ``ORCHESTRA_API_URL`` (the vendor's name),
            else ``https://api.orchestrasolutions.com``. Plain ``http://`` only to loopback.
        timeout: seconds or an ``httpx.Timeout``; default connect 5 s, read 60 s.
        retry: a ``RetryPolicy``; ``RetryPolicy(attempts=1)`` disables retries.
        transport: an httpx transport to send through.
        limits, proxy, event_hooks, headers: passed to httpx.
        http_backend: ``"httpx"``, the one backend of the sync client (``AsyncOrchestra`` has
            another).
        hooks: ``Hooks`` told of each request, response, retry, success, error, unknown
            outcome and reconciliation, on a background thread (never delaying a call).
        tracing: with ``opentelemetry-api`` installed, a span and metrics per call (the
            ``otel`` extra); False turns them off for this client.

    Every method also takes ``timeout=`` and ``deadline=`` (total seconds across tries). A
    charge or authorize sent without ``myRef`` gets a generated one (``orc-`` and 16 hex
    digits), on the result as ``result["myRef"]`` and on any error as ``.my_ref``. Tests
    replace the clock and the waits with ``orchestra_payments.testing.use_clock``.

    Raises:
        ConfigurationError: no key, an unusable URL, or http:// to a remote host.
    """

    _pipeline: SyncPipeline
    _gateway = ReconcilingPaymentGateway
    _raw = ResourcesRaw
    _kinds = (httpx.Client, SyncPipeline, False)

    def close(self) -> None:
        """Close the connections. A failure while closing is logged, never raised."""
        try:
            self._http.close()
        except Exception:
            logger.warning("closing the client's connections failed", exc_info=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncOrchestra(
    _BaseOrchestra[
        httpx.AsyncClient,
        AsyncReconcilingPaymentGateway,
        AsyncResourcesRaw,
        httpx.AsyncBaseTransport,
    ],
    AsyncResources,
):
    """The Orchestra API client for asyncio, with a pooled ``httpx.AsyncClient``.

    Takes the same arguments as ``Orchestra``; ``transport`` is an async transport. At most
    ``limits.max_connections`` requests are in flight; the others wait their turn in a fair
    queue, at most the pool timeout (then ``PoolTimeoutError``: not sent).

    Args:
        http_backend: ``"httpx"`` (default) or ``"aiohttp"``, faster under heavy concurrency
            (``pip install 'orchestra-payments[aiohttp]'``).
    """

    _pipeline: AsyncPipeline
    _gateway = AsyncReconcilingPaymentGateway
    _raw = AsyncResourcesRaw
    _kinds = (httpx.AsyncClient, AsyncPipeline, True)

    async def aclose(self) -> None:
        """Close the connections of the running event loop (those of loops that have closed
        went with them). A failure while closing is logged, never raised."""
        try:
            await self._http.aclose()
        except Exception:
            logger.warning("closing the client's connections failed", exc_info=True)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
