"""Reconciliation: what became of a money-moving request whose answer was lost.

``client.payment_gateway.reconcile(error)`` asks ``status`` with backoff until the gateway gives
a definite answer or ``wait`` seconds pass, and never sends a money-moving request:

- a charge or authorize is looked up by its ``myRef`` (always sent: generated when absent);
- a capture, refund or void by the original transaction's ``refTransId``: the lookup reports
  that transaction's latest operation, so the verdict checks its type and amount.

A single "not found" is not an answer (a gateway still processing answers "not found" for a
while): ``"not_found"`` comes only after the whole wait, every lookup having said so. A lookup
the gateway cannot answer (``NotImplemented``, 401, 5xx, a different operation than expected)
gives ``"undetermined"``: never a guess.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from . import _constants as c
from ._exceptions import (
    APIConnectionError,
    GatewayUnavailableError,
    OrchestraError,
    OutcomeUnknownError,
    RateLimitError,
    RequestValidationError,
    TransactionNotFoundError,
)
from ._generated_facade import AsyncPaymentGateway, PaymentGateway
from ._generated_params import StatusParams
from ._outcome import FOLLOW_UPS, ORIGINALS

if TYPE_CHECKING:
    from orchestra_api.models.operation_result import OperationResult

Verdict = Literal["succeeded", "declined", "not_found", "undetermined"]

# The operations a transaction's latest operation can be while a follow-up has not landed.
_BEFORE = {
    "Capture": frozenset({"PreAuth", "Capture"}),
    "Refund": frozenset({"Charge", "Capture", "Refund"}),
    "Void": frozenset({"Charge", "PreAuth", "Capture"}),
}
_NAMES = {
    **{op: op for op in (*ORIGINALS, *FOLLOW_UPS)},
    **{op[len("Gateway") :].lower(): op for op in (*ORIGINALS, *FOLLOW_UPS)},
}
_TRANSIENT = (GatewayUnavailableError, RateLimitError, APIConnectionError)


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """What became of a money-moving request.

    Attributes:
        verdict: ``"succeeded"`` (it happened: do not send it again), ``"declined"`` (the
            gateway refused it: no money moved), ``"not_found"`` (every lookup over the whole
            wait found nothing: it did not happen), ``"undetermined"`` (the gateway could not
            say: do not send it again; ask later or check the gateway's own records).
        result: the ``OperationResult`` the last lookup reported, or None.
        lookups: how many status lookups were made.
    """

    verdict: Verdict
    result: OperationResult | None
    lookups: int = 0


@dataclass(frozen=True, slots=True)
class _Target:
    operation: str  # operationId
    types: frozenset[str]  # the operationType that means "landed"
    body: StatusParams  # the status request
    amount: float | None


def _target(
    error: OutcomeUnknownError | None,
    *,
    my_ref: str | None,
    ref_trans_id: str | None,
    operation: str | None,
    amount: float | None,
    account_name: str | None,
    account: Any,
) -> _Target:
    if error is not None and not isinstance(error, OutcomeUnknownError):
        raise RequestValidationError(
            f"reconcile takes an OutcomeUnknownError, got {type(error).__name__}", field="error"
        )
    if error is not None:
        operation = operation or error.operation
        my_ref = my_ref or error.my_ref
        ref_trans_id = ref_trans_id or error.ref_trans_id
        amount = amount if amount is not None else error.amount
        account_name = account_name or error.payment_gateway_account_name
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
        if not ref_trans_id:
            raise RequestValidationError(
                f"{op} is reconciled by the refTransId of the original transaction: pass "
                f"ref_trans_id=",
                field="ref_trans_id",
            )
        return _Target(
            op, frozenset({FOLLOW_UPS[op]}), {"refTransId": ref_trans_id, **where}, amount
        )
    if not my_ref:
        raise RequestValidationError(
            "a charge or authorize is reconciled by its myRef, and this one has none (sent "
            "without myRef through the low-level client?): it cannot be looked up",
            field="my_ref",
        )
    types = frozenset({ORIGINALS[op]}) if op else frozenset(ORIGINALS.values())
    return _Target(op or "GatewayCharge", types, {"myRef": my_ref, **where}, amount)


_Step = Literal["succeeded", "declined", "undetermined", "absent", "unclear"]


def _judge(target: _Target, outcome: OperationResult | OrchestraError) -> _Step:
    """One lookup's answer, for this target."""
    if isinstance(outcome, TransactionNotFoundError):
        return "absent"
    if isinstance(outcome, _TRANSIENT):
        return "unclear"
    if isinstance(outcome, OrchestraError):
        return "undetermined"  # 400, 401, 5xx, an unusable answer: the gateway cannot say
    code = str(outcome.operation_result_code)
    kind = str(outcome.operation_type)
    if code == "NotImplemented":
        return "undetermined"
    if kind in target.types:
        if not _same_amount(target.amount, outcome.amount):
            return "unclear"  # another operation of the same type (a reused myRef...)
        if code in ("Success", "Accepted"):
            return "succeeded"
        if code == "Rejected":
            return "declined"
        if code == "TemporaryFailure":
            return "unclear"
        return "undetermined"
    if target.operation in ORIGINALS and kind in FOLLOW_UPS.values():
        # Later operations on the transaction: the original took place.
        return "succeeded" if code in ("Success", "Accepted", "Rejected") else "undetermined"
    if target.operation in FOLLOW_UPS:
        before = _BEFORE[FOLLOW_UPS[target.operation]]
        return "absent" if kind in before else "unclear"
    return "undetermined"


def _same_amount(expected: float | None, got: object) -> bool:
    if expected is None or not isinstance(got, int | float):
        return True
    return abs(float(got) - expected) < 1e-6


class _Window:
    """The bounded wait: backoff between lookups, ending with one at the very end."""

    def __init__(self, wait: float, clock: Callable[[], float]) -> None:
        if wait < 0:
            raise RequestValidationError("wait must not be negative", field="wait")
        self.clock = clock
        self.end = clock() + wait
        self.delay = c.RECONCILE_WAIT_INITIAL
        self.unclear = False
        self.lookups = 0
        self.result: OperationResult | None = None

    def record(self, outcome: OperationResult | OrchestraError, step: _Step) -> None:
        self.lookups += 1
        if not isinstance(outcome, OrchestraError):
            self.result = outcome
        elif getattr(outcome, "result", None) is not None:
            self.result = getattr(outcome, "result", None)
        if step == "unclear":
            self.unclear = True

    def final(self, step: _Step) -> Reconciliation | None:
        if step in ("succeeded", "declined", "undetermined"):
            verdict: Verdict = step
            return Reconciliation(verdict, self.result, self.lookups)
        return None

    def pause(self) -> float | None:
        """Seconds to wait before the next lookup, or None when the wait is over."""
        left = self.end - self.clock()
        if left <= 0:
            return None
        pause = min(self.delay, left)
        self.delay = min(self.delay * 2, c.RECONCILE_WAIT_MAX)
        return pause

    def verdict(self) -> Reconciliation:
        return Reconciliation(
            "undetermined" if self.unclear else "not_found", self.result, self.lookups
        )


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
        amount: float | None = None,
        payment_gateway_account_name: str | None = None,
        payment_gateway_account: Any = None,
        wait: float = c.DEFAULT_RECONCILE_WAIT,
    ) -> Reconciliation:
        """Find out what became of a money-moving request whose answer was lost.

        Asks ``status`` (never a money-moving call) with backoff until a definite answer or
        until ``wait`` seconds have passed.

        Args:
            error: the ``OutcomeUnknownError``; or, for a caller who stored the reference
                and lost the exception, ``my_ref=`` (charge/authorize) or ``ref_trans_id=``
                with ``operation=`` ("capture", "refund", "void") and ``amount=``, with
                ``payment_gateway_account_name=`` (or ``payment_gateway_account=``).
            wait: the longest time to keep asking, in seconds.

        Returns:
            a ``Reconciliation`` with ``verdict`` and ``result``.

        Raises:
            RequestValidationError: nothing to look the request up by.
        """
        target = _target(
            error,
            my_ref=my_ref,
            ref_trans_id=ref_trans_id,
            operation=operation,
            amount=amount,
            account_name=payment_gateway_account_name,
            account=payment_gateway_account,
        )
        sleep: Callable[[float], None] = getattr(self._client, "_sleep", time.sleep)
        window = _Window(wait, getattr(self._client, "_clock", time.monotonic))
        while True:
            outcome: OperationResult | OrchestraError
            try:
                outcome = self.status(target.body)
            except OrchestraError as exc:
                outcome = exc
            step = _judge(target, outcome)
            window.record(outcome, step)
            done = window.final(step)
            if done is not None:
                return done
            pause = window.pause()
            if pause is None:
                return window.verdict()
            sleep(pause)


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
        amount: float | None = None,
        payment_gateway_account_name: str | None = None,
        payment_gateway_account: Any = None,
        wait: float = c.DEFAULT_RECONCILE_WAIT,
    ) -> Reconciliation:
        """Find out what became of a money-moving request whose answer was lost.

        The async twin of ``Orchestra.payment_gateway.reconcile``: same arguments, same
        verdicts.
        """
        target = _target(
            error,
            my_ref=my_ref,
            ref_trans_id=ref_trans_id,
            operation=operation,
            amount=amount,
            account_name=payment_gateway_account_name,
            account=payment_gateway_account,
        )
        sleep: Callable[[float], Awaitable[None]] | None = getattr(self._client, "_sleep", None)
        window = _Window(wait, getattr(self._client, "_clock", time.monotonic))
        while True:
            outcome: OperationResult | OrchestraError
            try:
                outcome = await self.status(target.body)
            except OrchestraError as exc:
                outcome = exc
            step = _judge(target, outcome)
            window.record(outcome, step)
            done = window.final(step)
            if done is not None:
                return done
            pause = window.pause()
            if pause is None:
                return window.verdict()
            if sleep is None:
                import asyncio

                await asyncio.sleep(pause)
            else:
                await sleep(pause)
