"""What each call did, told to the application: hooks, and OpenTelemetry traces and metrics.

Hooks (``Orchestra(hooks=[...])``, subclasses of ``Hooks``) never run on the caller's thread:
each event is queued (a few microseconds) to one background thread of the process, which calls
the hooks in order. A hook that raises is logged and the next one runs; one that hangs holds up
only later hook events, never a payment (past 10,000 waiting events, new ones are dropped and
counted in the log). ``orchestra_payments.testing.flush_hooks()`` waits for the queue.

OpenTelemetry (``pip install 'orchestra-payments[otel]'``: the API only): with
``opentelemetry-api`` importable, each call is a span (its tries, waits and answers as events;
status from the typed error) and each ``reconcile`` a span linked to the call it resolves;
metrics count durations by outcome, retries, unknown outcomes and reconcile verdicts. Without
an SDK configured all of it is the API's no-op. Every value passes the redactor first: no
attribute, event or label holds a key, card number, CVV or string-token id.
"""

from __future__ import annotations

import atexit
import functools
import logging
import os
import queue
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from ._errors import (
    ConfigurationError,
    GatewayAnswerError,
    OutcomeUnknownError,
    TransactionNotFoundError,
)
from ._redact import redact_text

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from ._generated_operations import Operation

logger = logging.getLogger("orchestra_payments")

EventKind = Literal[
    "request", "response", "retry", "success", "error", "outcome_unknown", "reconciled"
]


@functools.cache
def package_version() -> str:
    """pyproject.toml is the one place the version is written; read from the installed
    distribution's metadata on first use (importlib.metadata is not free to import)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("orchestra-payments")
    except PackageNotFoundError:  # a source tree on sys.path, never installed
        return "0+unknown"


@dataclass(frozen=True, slots=True)
class HookEvent:
    """One thing a call did. Only facts that are safe to log: never a body, header or URL.

    Attributes:
        kind: ``request`` (a try is sent), ``response`` (a try's answer or failure),
            ``retry`` (another try after ``wait`` seconds, for ``reason``), ``success``,
            ``error`` (any typed error), ``outcome_unknown`` (a money call that may have moved
            money; ``error`` too), ``reconciled`` (a reconcile's ``verdict``).
        operation: the operationId (``GatewayCharge``...).
        money_moving: whether the operation moves money.
        attempt: the try (1 for the first).
        elapsed: seconds since the call began.
        my_ref, gateway_account: the request's reference and stored gateway account, if any.
        status_code: the HTTP status of the try's answer.
        wait, reason: a retry's wait in seconds and why (``503``, ``429``, ``no answer``...).
        error: the exception's type name (never its message).
        result_code, gateway_result_code: of the gateway's ``OperationResult``.
        verdict, lookups: a reconcile's verdict and how many status lookups it made.
    """

    kind: EventKind
    operation: str
    money_moving: bool
    attempt: int = 1
    elapsed: float = 0.0
    my_ref: str | None = None
    gateway_account: str | None = None
    status_code: int | None = None
    wait: float | None = None
    reason: str | None = None
    error: str | None = None
    result_code: str | None = None
    gateway_result_code: str | None = None
    verdict: str | None = None
    lookups: int | None = None


class Hooks:
    """Override the methods you need; each takes a ``HookEvent``. They run on a background
    thread: an exception is logged, never raised to the caller."""

    def on_request(self, event: HookEvent) -> None: ...
    def on_response(self, event: HookEvent) -> None: ...
    def on_retry(self, event: HookEvent) -> None: ...
    def on_success(self, event: HookEvent) -> None: ...
    def on_error(self, event: HookEvent) -> None: ...
    def on_outcome_unknown(self, event: HookEvent) -> None: ...
    def on_reconciled(self, event: HookEvent) -> None: ...


class _Deliveries:
    """The process's one hook thread and its bounded queue."""

    LIMIT = 10_000

    def __init__(self) -> None:
        self.queue: queue.Queue[tuple[Sequence[Hooks], HookEvent]] = queue.Queue(self.LIMIT)
        self.dropped = 0
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def put(self, hooks: Sequence[Hooks], event: HookEvent) -> None:
        if self._thread is None or not self._thread.is_alive():
            with self._lock:
                if self._thread is None or not self._thread.is_alive():
                    self._thread = threading.Thread(
                        target=self._run, name="orchestra-hooks", daemon=True
                    )
                    self._thread.start()
        try:
            self.queue.put_nowait((hooks, event))
        except queue.Full:
            self.dropped += 1
            if self.dropped % 1000 == 1:
                logger.warning("hook events dropped (%d so far): a hook is slow", self.dropped)

    def _run(self) -> None:
        while True:
            hooks, event = self.queue.get()
            for hook in hooks:
                try:
                    getattr(hook, f"on_{event.kind}")(event)
                except BaseException:  # SystemExit too: the thread serves every client
                    logger.warning(
                        "hook %s.on_%s raised (the call was not affected)",
                        type(hook).__name__,
                        event.kind,
                        exc_info=True,
                    )
            self.queue.task_done()

    def flush(self, timeout: float) -> bool:
        """Wait until every queued event was delivered, at most ``timeout`` seconds."""
        end = time.monotonic() + timeout
        with self.queue.all_tasks_done:
            while self.queue.unfinished_tasks:
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self.queue.all_tasks_done.wait(left)
        return True

    def forked(self) -> None:
        """In a forked child the thread is gone: start afresh (gunicorn --preload, Celery)."""
        self.__init__()  # type: ignore[misc]


DELIVERIES = _Deliveries()
if hasattr(os, "register_at_fork"):  # POSIX
    os.register_at_fork(after_in_child=DELIVERIES.forked)
# At a normal exit, events still queued (an unknown outcome's, say) get up to 5 s to arrive.
atexit.register(DELIVERIES.flush, 5.0)


class _Otel:
    """The OpenTelemetry API's tracer and instruments (no-ops until an SDK is configured)."""

    def __init__(self) -> None:
        from opentelemetry import context, metrics, trace
        from opentelemetry.trace import Link, SpanKind, Status, StatusCode

        self.context, self.trace, self.Link = context, trace, Link
        self.CLIENT, self.INTERNAL = SpanKind.CLIENT, SpanKind.INTERNAL
        self.Status, self.ERROR = Status, StatusCode.ERROR
        self.tracer = trace.get_tracer("orchestra_payments", package_version())
        meter = metrics.get_meter("orchestra_payments", package_version())
        self.duration = meter.create_histogram(
            "orchestra.client.call.duration", unit="s", description="A call, tries and waits"
        )
        self.retries = meter.create_counter(
            "orchestra.client.retries", description="Tries sent again"
        )
        self.unknown = meter.create_counter(
            "orchestra.client.outcome_unknown", description="Money calls with unknown outcomes"
        )
        self.verdicts = meter.create_counter(
            "orchestra.client.reconcile.verdicts", description="Reconciliations by verdict"
        )
        self.reconcile_duration = meter.create_histogram(
            "orchestra.client.reconcile.duration", unit="s", description="A reconciliation"
        )


@functools.cache
def _otel() -> _Otel | None:
    try:
        return _Otel()
    except ImportError:
        return None


def _safe(value: object) -> str | None:
    return None if value is None else redact_text(str(value))


@functools.lru_cache(maxsize=256)
def _label(value: str | None) -> str | None:
    """A metric label: a gateway account's name (few, so redacted once each)."""
    return _safe(value)


def _code(value: object) -> str | None:
    return None if value is None else _safe(getattr(value, "value", value))


class Telemetry:
    """A client's hooks and tracing switch (``CallTrace``, ``ReconcileTrace`` read them)."""

    def __init__(self, hooks: Sequence[Hooks], tracing: bool) -> None:
        if not isinstance(hooks, list | tuple) or not all(isinstance(h, Hooks) for h in hooks):
            raise ConfigurationError("hooks must be a list of Hooks instances (subclasses)")
        self.hooks = tuple(hooks)
        self.otel = _otel() if tracing else None  # imported once per process (tens of ms)


class CallTrace:
    """One call: its span (made current while it runs) and its hook events."""

    def __init__(
        self,
        telemetry: Telemetry,
        op: Operation,
        method: str,
        url: Any,
        my_ref: str | None,
        account: str | None,
        clock: Callable[[], float],
    ) -> None:
        self.hooks, self.otel, self.op = telemetry.hooks, telemetry.otel, op
        self.clock = clock
        self.start = clock()
        self.attempt = 1
        self.status: int | None = None
        self.my_ref: str | None = None  # redacted, for what is shown
        self.account: str | None = None
        self._raw = (my_ref, account)
        self.span: Any = None
        self._token: Any = None
        otel = self.otel
        if otel is not None:
            self.account = _label(account)
            self.span = span = otel.tracer.start_span(op.operation_id, kind=otel.CLIENT)
            if span.is_recording() or self.hooks:
                self.my_ref = _safe(my_ref)
            if span.is_recording():
                attributes = {
                    "http.request.method": method,
                    "server.address": url.host,
                    "server.port": url.port or (443 if url.scheme == "https" else 80),
                    "url.template": op.path,
                    "orchestra.operation": op.operation_id,
                    "orchestra.money_moving": op.moves_money,
                    "orchestra.my_ref": self.my_ref,
                    "orchestra.gateway_account": self.account,
                }
                span.set_attributes({k: v for k, v in attributes.items() if v is not None})
            self._token = otel.context.attach(otel.trace.set_span_in_context(span))

    def _emit(self, kind: EventKind, **facts: Any) -> None:
        if self.hooks:
            if self.otel is None and self.attempt == 1 and kind == "request":
                self.my_ref, self.account = _safe(self._raw[0]), _label(self._raw[1])
            DELIVERIES.put(
                self.hooks,
                HookEvent(
                    kind,
                    self.op.operation_id,
                    self.op.moves_money,
                    self.attempt,
                    self.clock() - self.start,
                    self.my_ref,
                    self.account,
                    **facts,
                ),
            )

    def sending(self, attempt: int) -> None:
        self.attempt = attempt
        if self.span is not None and self.span.is_recording():
            self.span.add_event("orchestra.try", {"orchestra.attempt": attempt})
        self._emit("request")

    def answered(self, status: int | None, error: BaseException | None = None) -> None:
        self.status = status
        failed = None if error is None else type(error).__name__
        if self.span is not None and self.span.is_recording():
            what = {"http.response.status_code": status} if status else {"error.type": failed}
            self.span.add_event("orchestra.answer", what)
        self._emit("response", status_code=status, error=failed)

    def retrying(self, wait: float, reason: str) -> None:
        if self.otel is not None:
            self.otel.retries.add(
                1, {"orchestra.operation": self.op.operation_id, "reason": reason}
            )
            if self.span.is_recording():
                self.span.add_event("orchestra.retry", {"orchestra.wait": wait, "reason": reason})
        self._emit("retry", wait=wait, reason=reason)

    def finish(self, result: Any, error: BaseException | None, maybe_sent: bool = False) -> None:
        """The call's end: its result, or the typed error it raises (or, ``maybe_sent``, the
        cancellation or interruption of a money call that may have reached the gateway)."""
        otel, span = self.otel, self.span
        recording = span is not None and span.is_recording()
        outcome = getattr(error, "result", None) if error is not None else result
        code = gateway_code = None
        if self.hooks or recording:
            code = _code(getattr(outcome, "operation_result_code", None))
            gateway_code = _safe(getattr(outcome, "gateway_result_code", None))
        unknown = maybe_sent or isinstance(error, OutcomeUnknownError)
        kind = (
            "success"
            if error is None
            else "outcome_unknown"
            if unknown
            else "not_found"
            if isinstance(error, TransactionNotFoundError)
            else "declined"
            if isinstance(error, GatewayAnswerError)
            else "failed"
        )
        if otel is not None:
            labels = {"orchestra.operation": self.op.operation_id, "orchestra.outcome": kind}
            if error is not None:
                labels["error.type"] = type(error).__name__
            if self.account:
                labels["orchestra.gateway_account"] = self.account
            otel.duration.record(self.clock() - self.start, labels)
            if unknown:
                otel.unknown.add(1, {"orchestra.operation": self.op.operation_id})
                if isinstance(error, OutcomeUnknownError):
                    error._trace_context = span.get_span_context()  # type: ignore[attr-defined]
            if recording:
                facts = {
                    "orchestra.attempts": self.attempt,
                    "http.response.status_code": self.status,
                    "orchestra.result_code": code,
                    "orchestra.gateway_result_code": gateway_code,
                    "orchestra.outcome_unknown": unknown,
                    "error.type": None if error is None else type(error).__name__,
                }
                span.set_attributes({k: v for k, v in facts.items() if v is not None})
                if error is not None:
                    span.set_status(otel.Status(otel.ERROR, type(error).__name__))
            otel.context.detach(self._token)
            span.end()
        if self.hooks:
            facts2: dict[str, Any] = {
                "status_code": self.status,
                "result_code": code,
                "gateway_result_code": gateway_code,
            }
            if error is None:
                self._emit("success", **facts2)
            else:
                self._emit("error", error=type(error).__name__, **facts2)
                if unknown:
                    self._emit("outcome_unknown", error=type(error).__name__, **facts2)


class ReconcileTrace:
    """One reconciliation: a span linked to the call whose answer was lost (its lookups are
    its children), the verdict counted and told to the hooks."""

    def __init__(
        self, telemetry: Telemetry, operation: str, error: Any, clock: Callable[[], float]
    ) -> None:
        self.hooks, self.otel, self.operation = telemetry.hooks, telemetry.otel, operation
        self.clock = clock
        self.start = clock()
        self.account = _label(getattr(error, "payment_gateway_account_name", None))
        self.span: Any = None
        self._token: Any = None
        self.my_ref = _safe(getattr(error, "my_ref", None))
        otel = self.otel
        if otel is not None:
            linked = getattr(error, "_trace_context", None)
            links = [otel.Link(linked)] if linked is not None else []
            self.span = otel.tracer.start_span(
                f"reconcile {operation}",
                kind=otel.INTERNAL,
                links=links,
                attributes={"orchestra.operation": operation},
            )
            self._token = otel.context.attach(otel.trace.set_span_in_context(self.span))

    def finish(self, verdict: str | None, lookups: int, error: BaseException | None) -> None:
        elapsed = self.clock() - self.start
        otel, span = self.otel, self.span
        if otel is not None:
            labels = {"orchestra.operation": self.operation}
            if verdict is not None:
                otel.verdicts.add(1, {**labels, "orchestra.reconcile.verdict": verdict})
            otel.reconcile_duration.record(elapsed, labels)
            if span.is_recording():
                span.set_attributes({"orchestra.reconcile.lookups": lookups})
                if verdict is not None:
                    span.set_attribute("orchestra.reconcile.verdict", verdict)
                if error is not None:
                    span.set_status(otel.Status(otel.ERROR, type(error).__name__))
            otel.context.detach(self._token)
            span.end()
        if self.hooks and verdict is not None:
            DELIVERIES.put(
                self.hooks,
                HookEvent(
                    "reconciled",
                    self.operation,
                    True,
                    elapsed=elapsed,
                    my_ref=self.my_ref,
                    gateway_account=self.account,
                    verdict=verdict,
                    lookups=lookups,
                ),
            )
