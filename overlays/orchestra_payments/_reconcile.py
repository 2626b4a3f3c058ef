"""Reconciliation: what became of a money-moving request whose answer was lost.

``client.payment_gateway.reconcile(error)`` asks ``status`` with backoff and never sends a
money-moving request:

- a charge or authorize is looked up by its ``myRef`` (always sent: generated when absent);
- a capture, refund or void by the original transaction's ``refTransId``: the lookup reports
  that transaction's latest operation only, so the verdict weighs it against the follow-ups this
  client itself sent on the transaction (``FollowUpLog``).

A verdict is never a guess: ``"succeeded"``, ``"declined"`` and ``"not_found"`` only when the
lookups prove them (under the assumptions the README states), else ``"undetermined"`` with a
``reason``. ``"not_found"`` needs every lookup to have found nothing over at least
``RECONCILE_MIN_WINDOW`` seconds. ``wait`` bounds the whole call: each lookup's deadline is what
is left of it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from . import _constants as c
from ._exceptions import (
    APIConnectionError,
    ClientClosedError,
    GatewayError,
    GatewayUnavailableError,
    OrchestraError,
    OutcomeUnknownError,
    RateLimitError,
    RequestValidationError,
    TransactionNotFoundError,
    UnexpectedResponseError,
)
from ._generated_facade import AsyncPaymentGateway, PaymentGateway
from ._generated_params import StatusParams
from ._outcome import FOLLOW_UPS, ORIGINALS, FollowUpLog, SentFollowUp, TransactionRecord

if TYPE_CHECKING:
    from orchestra_api.models.operation_result import OperationResult

Verdict = Literal["succeeded", "declined", "not_found", "undetermined"]

_NAMES = {
    **{op: op for op in (*ORIGINALS, *FOLLOW_UPS)},
    **{op[len("Gateway") :].lower(): op for op in (*ORIGINALS, *FOLLOW_UPS)},
}
# Lookups that failed on the way (a proxy's 502, an empty or cut body, a 500, no answer): asked
# again within the wait; a 400, 401 or NotImplemented is final.
_TRANSIENT = (
    GatewayUnavailableError,
    RateLimitError,
    APIConnectionError,
    GatewayError,
    UnexpectedResponseError,
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


@dataclass(frozen=True, slots=True)
class _Target:
    operation: str  # operationId
    kind: str  # the operationType that means "landed" ("Charge", "Refund"...)
    kinds: frozenset[str]  # for an original given without operation=: Charge or PreAuth
    body: StatusParams  # the status request
    amount: float | None
    this: SentFollowUp | None  # the client's record of this follow-up, if it has one
    record: TransactionRecord | None  # the client's record of the transaction's follow-ups
    evicted: bool  # the client had a record of this follow-up and no longer has it

    @property
    def what(self) -> str:
        amount = "" if self.amount is None else f" of {self.amount:.2f}"
        return f"this {self.kind.lower()}{amount}"


def _target(
    error: OutcomeUnknownError | None,
    log: FollowUpLog,
    *,
    my_ref: str | None,
    ref_trans_id: str | None,
    operation: str | None,
    amount: float | Decimal | None,
    account_name: str | None,
    account: Any,
) -> _Target:
    if error is not None and not isinstance(error, OutcomeUnknownError):
        raise RequestValidationError(
            f"reconcile takes an OutcomeUnknownError, got {type(error).__name__}", field="error"
        )
    sent: object = None
    if error is not None:
        operation = operation or error.operation
        my_ref = my_ref or error.my_ref
        ref_trans_id = ref_trans_id or error.ref_trans_id
        amount = amount if amount is not None else error.amount
        account_name = account_name or error.payment_gateway_account_name
        sent = error._sent
    if operation is None and ref_trans_id and not my_ref:
        raise RequestValidationError(
            "a follow-up is reconciled by refTransId and its operation: pass operation= "
            '("capture", "refund" or "void") and amount=',
            field="operation",
        )
    op = _NAMES.get(operation or "")
    if operation is not None and op is None:
        raise RequestValidationError(
            f"operation {operation!r} is not a money-moving operation: one of "
            f"{', '.join(sorted(n for n in _NAMES if n.islower()))}",
            field="operation",
        )
    if amount is not None and (
        isinstance(amount, bool)
        or not isinstance(amount, int | float | Decimal)
        or not math.isfinite(amount)
    ):
        raise RequestValidationError("amount must be a finite number", field="amount")
    where: StatusParams = {}
    if account_name:
        where["paymentGatewayAccountName"] = account_name
    elif account is not None:
        where["paymentGatewayAccount"] = account
    else:
        raise RequestValidationError(
            "reconcile needs the gateway account of the original request: pass "
            "payment_gateway_account_name= (or payment_gateway_account= for an inline account)",
            field="payment_gateway_account_name",
        )
    if op in FOLLOW_UPS:
        kind = FOLLOW_UPS[op]
        if not ref_trans_id:
            raise RequestValidationError(
                f"{op} is reconciled by the refTransId of the original transaction: pass "
                f"ref_trans_id=",
                field="ref_trans_id",
            )
        if amount is None:
            raise RequestValidationError(
                f"{op} is reconciled by refTransId, type and amount (the lookup reports the "
                "transaction's latest operation, which must be told from other follow-ups): "
                "pass amount=",
                field="amount",
            )
        record = log.record(ref_trans_id)
        this = _find(record, kind, float(amount), sent if isinstance(sent, SentFollowUp) else None)
        return _Target(
            op,
            kind,
            frozenset({kind}),
            {"refTransId": ref_trans_id, **where},
            float(amount),
            this,
            record,
            evicted=isinstance(sent, SentFollowUp) and this is None,
        )
    if not my_ref:
        raise RequestValidationError(
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
        None,
        None,
        evicted=False,
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


def _judge(t: _Target, outcome: OperationResult | OrchestraError) -> tuple[_Step, str]:
    """One lookup's answer, for this target, and why."""
    if isinstance(outcome, TransactionNotFoundError):
        return "absent", "the gateway found no such transaction"
    if isinstance(outcome, _TRANSIENT):
        return "unclear", f"a lookup failed ({type(outcome).__name__})"
    if isinstance(outcome, OrchestraError):  # 400, 401, 5xx, an unusable answer
        return "undetermined", f"the gateway could not answer the lookup ({type(outcome).__name__})"
    code = str(outcome.operation_result_code)
    kind = str(outcome.operation_type)
    amount = outcome.amount
    seen = f"the transaction's latest operation is a {kind} of {amount} ({code})"
    if code == "NotImplemented":
        return "undetermined", "the gateway does not support status lookups (NotImplemented)"
    if t.operation in ORIGINALS:
        return _judge_original(t, kind, code, amount, seen)
    return _judge_follow_up(t, kind, code, amount, seen)


def _result_step(code: str, seen: str) -> tuple[_Step, str]:
    if code in _LANDED:
        return "succeeded", seen
    if code == "Rejected":
        return "declined", seen
    if code == "TemporaryFailure":
        return "unclear", f"{seen}: the gateway may still complete it"
    return "undetermined", f"{seen}: a result code that proves nothing"


def _judge_original(
    t: _Target, kind: str, code: str, amount: object, seen: str
) -> tuple[_Step, str]:
    if kind in t.kinds:
        if t.amount is not None and not _same(t.amount, amount):
            return "unclear", f"{seen}, not {t.amount:.2f}: another payment with this myRef?"
        return _result_step(code, seen)
    if kind in FOLLOW_UPS.values():
        if code in _LANDED:  # a follow-up landed on it: the original took place
            return "succeeded", f"{seen}: the original took place"
        return "undetermined", f"{seen}: it does not show whether the original succeeded"
    return "undetermined", f"{seen}, not a {t.kind}"


def _judge_follow_up(
    t: _Target, kind: str, code: str, amount: object, seen: str
) -> tuple[_Step, str]:
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
    if kind == t.kind:
        if not _same(t.amount, amount):
            return "unclear", f"{seen}, not {t.what}"
        twins = [e for e in others if e.kind == kind and _same(e.amount, amount)]
        if twins or incomplete:
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
    same = [e for e in others if e.kind == kind and _same(e.amount, amount)]
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

    def __init__(
        self, target: _Target, wait: float, clock: Callable[[], float], log: FollowUpLog
    ) -> None:
        if isinstance(wait, bool) or not isinstance(wait, int | float) or not wait >= 0:
            raise RequestValidationError(
                "wait must be a number of seconds, 0 or more", field="wait"
            )
        self.target = target
        self.log = log
        self.wait = float(wait)
        self.clock = clock
        self.end = clock() + self.wait
        self.delay = c.RECONCILE_WAIT_INITIAL
        self.lookups = 0
        self.result: OperationResult | None = None
        self.unclear: str | None = None
        self.first_absent: float | None = None
        self.last_absent = 0.0
        self.absent_why = ""

    def left(self) -> float:
        return self.end - self.clock()

    def take(self, outcome: OperationResult | OrchestraError) -> Reconciliation | None:
        """Weigh one lookup's answer: the verdict when it is final, else None."""
        self.lookups += 1
        if not isinstance(outcome, OrchestraError):
            self.result = outcome
        elif getattr(outcome, "result", None) is not None:
            self.result = getattr(outcome, "result", None)
        step, why = _judge(self.target, outcome)
        if step in ("succeeded", "declined", "undetermined"):
            verdict: Verdict = step
            return Reconciliation(verdict, self.result, self.lookups, why)
        if step == "unclear":
            self.unclear = why
        else:
            now = self.clock()
            if self.first_absent is None:
                self.first_absent = now
            self.last_absent = now
            self.absent_why = why
        return None

    def pause(self) -> float | None:
        """Seconds to wait before the next lookup, or None when the wait is over (the last
        lookup keeps ``RECONCILE_LOOKUP_TIME`` seconds to answer in)."""
        room = self.left() - c.RECONCILE_LOOKUP_TIME
        if room <= 0:
            return None
        pause = min(self.delay, room)
        self.delay = min(self.delay * 2, c.RECONCILE_WAIT_MAX)
        return pause

    def learn(self, outcome: Reconciliation) -> Reconciliation:
        """What the verdict proves about this follow-up goes into the client's record: one
        not found never landed (its resend can then be told from it)."""
        this = self.target.this
        if this is not None and outcome.verdict != "undetermined":
            self.log.resolved(this, landed=outcome.verdict != "not_found")
        return outcome

    def verdict(self) -> Reconciliation:
        n = self.lookups
        if self.unclear is not None:
            return Reconciliation("undetermined", self.result, n, self.unclear)
        if self.first_absent is None:
            return Reconciliation(
                "undetermined",
                None,
                n,
                f"wait={self.wait:g} s left no time for a lookup; a 'not_found' needs lookups "
                f"over at least {c.RECONCILE_MIN_WINDOW:g} s",
            )
        span = self.last_absent - self.first_absent
        found = f"{n} lookup{'s' if n != 1 else ''} over {span:.1f} s: {self.absent_why}"
        if n >= 2 and span >= c.RECONCILE_MIN_WINDOW:
            return Reconciliation("not_found", self.result, n, found)
        return Reconciliation(
            "undetermined",
            self.result,
            n,
            f"{found}; but a 'not_found' needs lookups over at least "
            f"{c.RECONCILE_MIN_WINDOW:g} s (the gateway may still be processing it): pass "
            f"wait= of at least {c.RECONCILE_MIN_WINDOW + c.RECONCILE_LOOKUP_TIME:g} s",
        )


def _begin(
    gateway: PaymentGateway | AsyncPaymentGateway,
    error: OutcomeUnknownError | None,
    kwargs: dict[str, Any],
    wait: float,
) -> tuple[_Window, Any]:
    client: Any = gateway._client  # Orchestra or AsyncOrchestra (or a with_options copy)
    if client._http.is_closed:
        name = type(client).__name__
        raise ClientClosedError(
            f"reconcile: this {name} was closed; nothing was sent. Reconcile with an open "
            f"{name} (the error carries everything it needs)."
        )
    target = _target(error, client._follow_ups, **kwargs)
    return _Window(target, wait, client._clock, client._follow_ups), client._sleep


class ReconcilingPaymentGateway(PaymentGateway):
    """Payment gateway operations, plus ``reconcile``."""

    __slots__ = ()

    def reconcile(
        self,
        error: OutcomeUnknownError | None = None,
        *,
        my_ref: str | None = None,
        ref_trans_id: str | None = None,
        operation: str | None = None,
        amount: float | Decimal | None = None,
        payment_gateway_account_name: str | None = None,
        payment_gateway_account: Any = None,
        wait: float = c.DEFAULT_RECONCILE_WAIT,
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
        window, sleep = _begin(
            self,
            error,
            {
                "my_ref": my_ref,
                "ref_trans_id": ref_trans_id,
                "operation": operation,
                "amount": amount,
                "account_name": payment_gateway_account_name,
                "account": payment_gateway_account,
            },
            wait,
        )
        do_sleep: Callable[[float], None] = sleep or time.sleep
        while window.left() > 0:
            outcome: OperationResult | OrchestraError
            try:
                outcome = self.status(window.target.body, deadline=window.left())
            except ClientClosedError:
                raise  # closed while reconciling
            except OrchestraError as exc:
                outcome = exc
            done = window.take(outcome)
            if done is not None:
                return window.learn(done)
            pause = window.pause()
            if pause is None:
                break
            do_sleep(pause)
        return window.learn(window.verdict())


class AsyncReconcilingPaymentGateway(AsyncPaymentGateway):
    """Payment gateway operations, plus ``reconcile`` (async)."""

    __slots__ = ()

    async def reconcile(
        self,
        error: OutcomeUnknownError | None = None,
        *,
        my_ref: str | None = None,
        ref_trans_id: str | None = None,
        operation: str | None = None,
        amount: float | Decimal | None = None,
        payment_gateway_account_name: str | None = None,
        payment_gateway_account: Any = None,
        wait: float = c.DEFAULT_RECONCILE_WAIT,
    ) -> Reconciliation:
        """Find out what became of a money-moving request whose answer was lost.

        The async twin of ``Orchestra.payment_gateway.reconcile``: same arguments, same
        verdicts.
        """
        window, sleep = _begin(
            self,
            error,
            {
                "my_ref": my_ref,
                "ref_trans_id": ref_trans_id,
                "operation": operation,
                "amount": amount,
                "account_name": payment_gateway_account_name,
                "account": payment_gateway_account,
            },
            wait,
        )
        do_sleep: Callable[[float], Awaitable[None]] = sleep or _asyncio_sleep
        while window.left() > 0:
            outcome: OperationResult | OrchestraError
            try:
                outcome = await self.status(window.target.body, deadline=window.left())
            except ClientClosedError:
                raise  # closed while reconciling
            except OrchestraError as exc:
                outcome = exc
            done = window.take(outcome)
            if done is not None:
                return window.learn(done)
            pause = window.pause()
            if pause is None:
                break
            await do_sleep(pause)
        return window.learn(window.verdict())


async def _asyncio_sleep(seconds: float) -> None:
    import asyncio

    await asyncio.sleep(seconds)
