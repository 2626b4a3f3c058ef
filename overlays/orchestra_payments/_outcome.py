"""What a money-moving request was, for reconciling it: myRef, the original transaction, the
account; the generated myRef; and the one place an ``OutcomeUnknownError`` is built.

Originals (charge, authorize) are found again by ``myRef``; follow-ups (capture, refund, void)
by their ``refTransId`` and operation type: the status lookup answers for the original
transaction only, reporting its latest operation.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from ._exceptions import OutcomeUnknownError, RequestValidationError

if TYPE_CHECKING:
    from orchestra_api.models.operation_result import OperationResult

    from ._base import Operation

# operationId -> the operationType a status lookup reports once the operation has landed.
ORIGINALS = {"GatewayCharge": "Charge", "GatewayAuthorize": "PreAuth"}
FOLLOW_UPS = {"GatewayCapture": "Capture", "GatewayRefund": "Refund", "GatewayVoid": "Void"}

MY_REF_PREFIX = "orc-"
"""Generated myRefs: ``orc-`` and 16 lowercase hex digits (64 random bits), 20 characters."""


def generate_my_ref() -> str:
    """A fresh myRef: unique, 20 characters (AMEX wants at least 6), safe for any gateway."""
    return MY_REF_PREFIX + secrets.token_hex(8)


def ensure_my_ref(op: Operation, body: Any) -> str | None:
    """Give a charge or authorize a myRef when the caller sent none; return the myRef sent.

    A key that differs from ``myRef`` only by case (``myref``) is refused: the API would ignore
    it and the payment could not be looked up."""
    if not isinstance(body, dict):
        return None
    ref = body.get("myRef")
    if ref is not None:
        return ref if isinstance(ref, str) else None
    for key in body:
        if isinstance(key, str) and len(key) == 5 and key.lower() == "myref":
            raise RequestValidationError(
                f"{key!r} is not a field of the API: the reference is spelled 'myRef'",
                field=key,
            )
    if op.operation_id in ORIGINALS:
        ref = body["myRef"] = generate_my_ref()
    return ref


def with_my_ref(op: Operation, request: httpx.Request) -> httpx.Request:
    """The request of a charge or authorize that bypassed the facade (the generated low-level
    functions) without myRef, with a generated one: every payment can be reconciled."""
    try:
        body = json.loads(request.content)
    except (ValueError, RecursionError, httpx.RequestNotRead):  # sent as it is
        return request
    if not isinstance(body, dict) or body.get("myRef") is not None:
        return request
    ensure_my_ref(op, body)
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
        amount=float(amount)
        if isinstance(amount, int | float) and not isinstance(amount, bool)
        else None,
    )


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
    request: httpx.Request | None,
    what: str,
    *,
    status_code: int | None = None,
    result: OperationResult | None = None,
) -> OutcomeUnknownError:
    """The error for a money-moving request whose outcome is unknown (``what`` says why)."""
    facts = facts_of(request)
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
