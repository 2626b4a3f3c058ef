"""What a money-moving request was, for reconciling it: myRef, the original transaction, the
account; the generated myRef; and the one place an ``OutcomeUnknownError`` is built.

Originals (charge, authorize) are found again by ``myRef``; follow-ups (capture, refund, void)
by their ``refTransId`` and operation type: the status lookup answers for the original
transaction only, reporting its latest operation.
"""

from __future__ import annotations

import json
import math
import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import httpx

from ._exceptions import OutcomeUnknownError, RequestValidationError
from ._generated_facade import OPERATIONS

if TYPE_CHECKING:
    from orchestra_api.models.operation_result import OperationResult

    from ._base import Operation

# operationId -> the operationType a status lookup reports once the operation has landed, from
# openapi/operations.yaml (reported_as, found_by) through the generated operation table.
ORIGINALS = {
    op.operation_id: op.reported_as
    for op in OPERATIONS
    if op.found_by == "myRef" and op.reported_as
}
FOLLOW_UPS = {
    op.operation_id: op.reported_as
    for op in OPERATIONS
    if op.found_by == "refTransId" and op.reported_as
}

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
            raise RequestValidationError(
                f"myRef must be a non-empty string (got {_shape(ref)}): a payment sent with it "
                "could never be looked up; leave it out and the client generates one; nothing "
                "was sent",
                field="myRef",
            )
        return ref
    for key in body:
        if isinstance(key, str) and key != "myRef" and key.lower() == "myref":
            raise RequestValidationError(
                f"{key!r} is not a field of the API: the reference is spelled 'myRef'",
                field=key,
            )
    if op.operation_id in ORIGINALS:
        ref = body["myRef"] = generate_my_ref()
    return ref


def _shape(value: object) -> str:
    """What a refused value was, without showing it."""
    if isinstance(value, str):
        return "an empty string" if not value else "a blank string"
    return f"a {type(value).__name__}"


def with_my_ref(op: Operation, request: httpx.Request) -> httpx.Request:
    """The request of a money-moving call that bypassed the facade (the generated low-level
    functions): its myRef checked, and a charge or authorize without one given a generated
    one, so that every payment can be reconciled."""
    try:
        body = json.loads(request.content)
    except (ValueError, RecursionError, httpx.RequestNotRead):  # sent as it is
        return request
    if not isinstance(body, dict):
        return request
    sent = body.get("myRef")
    if ensure_my_ref(op, body) == sent:  # checked, and nothing added
        return request
    content = json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
    headers = request.headers.copy()
    headers["Content-Length"] = str(len(content))
    return httpx.Request(
        request.method, request.url, headers=headers, content=content, extensions=request.extensions
    )


@dataclass(frozen=True, slots=True)
class Facts:
    """What a request said that a reconciliation needs (no card data, no credentials)."""

    my_ref: str | None = None
    ref_trans_id: str | None = None
    account_name: str | None = None
    amount: float | None = None


def facts_of(request: httpx.Request | None) -> Facts:
    if request is None:
        return Facts()
    try:
        body = json.loads(request.content or b"null")
    except (ValueError, RecursionError):
        return Facts()
    except httpx.RequestNotRead:  # a streamed body
        return Facts()
    return facts_of_body(body)


def facts_of_body(body: Any) -> Facts:
    if not isinstance(body, dict):
        return Facts()

    def text(key: str) -> str | None:
        value = body.get(key)
        return value if isinstance(value, str) else None

    amount = body.get("amount")
    return Facts(
        my_ref=text("myRef"),
        ref_trans_id=text("refTransId"),
        account_name=text("paymentGatewayAccountName"),
        amount=_number(amount),
    )


def _number(value: object) -> float | None:
    """An amount as sent (int, float or Decimal), as a float for comparing with what status
    reports; None when it is not a finite number."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def advice(operation: str, facts: Facts) -> str:
    """The next step, right for this operation."""
    if operation in ORIGINALS and not facts.my_ref:
        return (
            "It was sent without myRef, so status cannot find it: check the gateway's own "
            "records before sending it again (the client generates a myRef when you send none)."
        )
    if operation in FOLLOW_UPS:
        kind = FOLLOW_UPS[operation].lower()
        return (
            f"Do not send the {kind} again blindly: call payment_gateway.reconcile(error); it "
            f"asks status by refTransId {facts.ref_trans_id!r} and checks that the transaction's "
            f"latest operation is this {kind} (type and amount). status by myRef does not find "
            f"a {kind}."
        )
    return (
        f"Do not send it again blindly: call payment_gateway.reconcile(error) (it asks "
        f"status by myRef {facts.my_ref!r}, over a bounded wait)."
    )


def outcome_unknown(
    op: Operation,
    request: httpx.Request | Facts | None,
    what: str,
    *,
    status_code: int | None = None,
    result: OperationResult | None = None,
) -> OutcomeUnknownError:
    """The error for a money-moving request whose outcome is unknown (``what`` says why)."""
    facts = request if isinstance(request, Facts) else facts_of(request)
    name = op.operation_id
    return OutcomeUnknownError(
        f"{name}: {what}; Orchestra may have moved the money. {advice(name, facts)}",
        operation=name,
        my_ref=facts.my_ref,
        status_code=status_code,
        ref_trans_id=facts.ref_trans_id,
        payment_gateway_account_name=facts.account_name,
        amount=facts.amount,
        result=result,
    )


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

    def finished(self, entry: SentFollowUp, *, void: bool = False) -> None:
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
