"""Exceptions raised by orchestra_payments; every one derives from OrchestraError.

    OrchestraError
    ├── ConfigurationError          the client was configured wrongly (no key, http:// remote)
    ├── RedactedError               in a cause chain only: an exception whose details held a
    │                               secret, replaced
    ├── ClientClosedError           a call on a client after close()
    ├── RequestValidationError      bad input, caught before anything was sent
    ├── APIConnectionError          no answer: the connection failed or dropped
    │   └── APITimeoutError         no answer in time
    │       └── PoolTimeoutError    no connection came free in time: the request was not sent
    ├── OutcomeUnknownError         a money-moving request may have reached the gateway and no
    │                               usable answer came back (a 5xx included): reconcile(err),
    │                               never retry blindly
    ├── UnexpectedResponseError     undocumented status, HTML from a proxy, truncated or
    │                               non-JSON body, a body that fits no model
    └── APIStatusError              Orchestra answered with a documented error status
        ├── BadRequestError         400: a field was rejected (field_name, errors)
        ├── AuthenticationError     401: the API key was refused
        ├── NotFoundError           404
        ├── GatewayAnswerError      409: the gateway's answer (result, gateway codes)
        │   ├── GatewayRejectedError      the gateway declined
        │   └── TransactionNotFoundError  a status lookup: no such transaction (yet)
        ├── RetriesExhaustedError   the same answer after every retry (attempts)
        │   ├── RateLimitError            429: nothing was processed
        │   └── GatewayUnavailableError   503 to a call that moves no money
        └── GatewayError            500 to a call that moves no money: the gateway failed

Messages never contain the API key, card numbers, CVVs, token payloads or credentials.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

import httpx

from ._generated_operations import FOLLOW_UPS, ORIGINALS
from ._redact import redact_text, stand_in_with

if TYPE_CHECKING:
    from orchestra_api.models.operation_result import OperationResult

    from ._generated_operations import Operation


class OrchestraError(Exception):
    """Base of every exception this library raises. A subclass names in ``_extra`` the keyword
    arguments it takes, each kept as the attribute of that name (and annotated on the subclass)."""

    my_ref: str | None = None
    """The ``myRef`` the request carried (generated when the caller sent none), if any."""

    _extra: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, *args: object, **extra: Any) -> None:
        if set(extra) != self._extra:
            raise TypeError(f"{type(self).__name__} takes keyword arguments {sorted(self._extra)}")
        # Every message passes the redactor, whoever builds it.
        super().__init__(*(redact_text(a) if isinstance(a, str) else a for a in args))
        for name, value in extra.items():
            setattr(self, name, value)


class RedactedError(OrchestraError):
    """In a cause chain, stands in for an exception that showed a secret; names its type."""


stand_in_with(RedactedError)


class ConfigurationError(OrchestraError):
    """The client cannot be built as configured."""


class ClientClosedError(OrchestraError):
    """The client was closed; nothing was sent. Create a new client."""


class RequestValidationError(OrchestraError):
    """Input that cannot be sent; ``field`` names the offending field when known."""

    _extra = frozenset({"field"})
    field: str | None


class APIConnectionError(OrchestraError):
    """No answer came back: the connection could not be made or was dropped."""

    _extra = frozenset({"operation"})
    operation: str | None


class APITimeoutError(APIConnectionError):
    """No answer came back in time."""


class PoolTimeoutError(APITimeoutError):
    """Every connection stayed busy past the pool timeout: the request was never sent."""

    _extra = frozenset({"operation", "waited"})
    waited: float


class OutcomeUnknownError(OrchestraError):
    """A money-moving request may have reached the gateway; its outcome is unknown.

    Never send it again blindly: ``client.payment_gateway.reconcile(error)`` asks the gateway
    what happened. Everything a reconciliation needs is here, and nothing secret: ``operation``
    (the operationId), ``my_ref`` sent (generated when the caller sent none), ``ref_trans_id``
    (of a capture, refund or void), ``payment_gateway_account_name`` (a stored account; an inline
    one is not kept: pass it to ``reconcile`` again), ``amount`` sent, ``status_code`` of an
    answer, ``result`` (the ``OperationResult`` of a readable body, e.g. an unknown result code);
    each None when unknown.
    """

    _extra = frozenset(
        {"operation", "my_ref", "status_code", "ref_trans_id", "payment_gateway_account_name"}
        | {"amount", "result"}
    )
    operation: str
    status_code: int | None
    ref_trans_id: str | None
    payment_gateway_account_name: str | None
    amount: float | None
    result: OperationResult | None
    _sent: object = None  # the client's record of the follow-up, for reconcile


class UnexpectedResponseError(OrchestraError):
    """An answer the API does not document; ``excerpt`` is short and redacted."""

    _extra = frozenset({"operation", "status_code", "excerpt"})
    operation: str | None
    status_code: int
    excerpt: str


class APIStatusError(OrchestraError):
    """Orchestra answered with a documented error status."""

    def __init__(
        self, message: str, *, operation: str, response: httpx.Response, body: Any, **extra: Any
    ) -> None:
        super().__init__(message, **extra)
        self.operation = operation
        self.response = response
        self.status_code = response.status_code
        self.headers = response.headers
        self.body = body


class BadRequestError(APIStatusError):
    """400: Orchestra rejected a field of the request."""

    _extra = frozenset({"field_name", "errors"})
    field_name: str | None
    errors: list[str]


class AuthenticationError(APIStatusError):
    """401: the API key was missing or refused."""


class NotFoundError(APIStatusError):
    """404: no such token or account."""


class GatewayAnswerError(APIStatusError):
    """A 409: the gateway's answer, a decline or a lookup that found nothing; ``result`` is the
    OperationResult (if it parsed), with the gateway's codes."""

    _extra = frozenset({"result"})
    result: OperationResult | None

    @property
    def gateway_result_code(self) -> str | None:
        return _str_or_none(getattr(self.result, "gateway_result_code", None))

    @property
    def gateway_result_description(self) -> str | None:
        return _str_or_none(getattr(self.result, "gateway_result_description", None))


class GatewayRejectedError(GatewayAnswerError):
    """409: the payment gateway declined; ``result`` is the parsed OperationResult, if any."""


class TransactionNotFoundError(GatewayAnswerError):
    """409 on a status lookup: the gateway knows no such transaction (yet): not a decline."""


class GatewayError(APIStatusError):
    """500: the payment gateway failed."""


class RetriesExhaustedError(APIStatusError):
    """An answer that was retried ``attempts`` times and stayed the same."""

    _extra = frozenset({"attempts"})
    attempts: int


class GatewayUnavailableError(RetriesExhaustedError):
    """503: the gateway stayed unavailable through ``attempts`` tries."""


class RateLimitError(RetriesExhaustedError):
    """429: still rate limited through ``attempts`` tries; nothing was processed."""

    @property
    def retry_after(self) -> str | None:
        return _str_or_none(self.headers.get("Retry-After"))


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


# Failures of a money-moving call that prove it moved nothing and left no operation at the
# gateway: refused before sending or by Orchestra itself. (An ``APIConnectionError`` that is not
# an ``OutcomeUnknownError`` was never sent either.)
_NOT_SENT = (ConfigurationError, ClientClosedError, RequestValidationError)
_REFUSED = (BadRequestError, AuthenticationError, NotFoundError, RateLimitError)


def moved_nothing(error: BaseException) -> bool:
    return isinstance(error, _NOT_SENT + _REFUSED) or (
        isinstance(error, APIConnectionError) and not isinstance(error, OutcomeUnknownError)
    )


# --- an unknown outcome: what it was, and what to do ------------------------------------------
class Facts(NamedTuple):
    """What a request said that a reconciliation needs (no card data, no credentials)."""

    my_ref: str | None = None
    ref_trans_id: str | None = None
    account_name: str | None = None
    amount: float | None = None


def facts_of_body(body: Any) -> Facts:
    if not isinstance(body, dict):
        return Facts()
    return Facts(
        my_ref=_str_or_none(body.get("myRef")),
        ref_trans_id=_str_or_none(body.get("refTransId")),
        account_name=_str_or_none(body.get("paymentGatewayAccountName")),
        amount=_number(body.get("amount")),
    )


def _number(value: object) -> float | None:
    """Amount sent (int, float, Decimal) as a float to compare with status; None if not finite."""
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
    facts: Facts,
    what: str,
    *,
    status_code: int | None = None,
    result: OperationResult | None = None,
) -> OutcomeUnknownError:
    """The error for a money-moving request whose outcome is unknown (``what`` says why)."""
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


# --- a failure on the wire, in words ------------------------------------------------------------
def _reason(exc: BaseException) -> str:
    """The innermost operating-system reason in the chain, else httpx's message (redacted: a
    transport's message may quote what it was sending)."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, OSError) and cause.strerror:
            return str(cause.strerror)
        cause = cause.__cause__ or cause.__context__
    text = str(exc).strip()
    if text.startswith("[Errno") and "] " in text:
        text = text.split("] ", 1)[1]
    return redact_text(text) or type(exc).__name__


def describe_failure(exc: httpx.TransportError, request: httpx.Request | None) -> str:
    """One line naming the host and why no answer came: for messages and logs."""
    host = request.url.netloc.decode("ascii", "replace") if request is not None else "Orchestra"
    reason = _reason(exc)
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout):
        return f"could not connect to {host}: {reason}"
    if isinstance(exc, httpx.PoolTimeout):
        return f"no free connection to {host} in time (all pooled connections busy)"
    if isinstance(exc, httpx.TimeoutException):
        return f"no answer from {host} in time: {reason}"
    return f"the connection to {host} failed: {reason}"
