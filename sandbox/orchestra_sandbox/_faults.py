"""Fault injection: deterministic, consumed in order, scoped by whoever resets the sandbox."""

from __future__ import annotations

import difflib
import re
import threading
from dataclasses import asdict, dataclass
from typing import Any, Literal

FaultKind = Literal[
    "status_503",  # answer 503 (optionally with Retry-After) instead of doing anything
    "status_429",  # answer 429 (optionally with Retry-After) instead of doing anything
    "latency",  # wait `seconds`, then behave normally
    "html_502",  # answer a proxy's HTML 502 instead of doing anything
    "drop_before_commit",  # close the connection unanswered before doing anything
    "late_commit",  # close the connection unanswered; the operation lands `seconds` later
    "empty_body",  # do the operation, then answer its status with an empty body
    "truncated_body",  # do the operation, then answer half of its JSON body
    "unknown_enum",  # do the operation, then put values the spec does not list in the body
    "accepted",  # do the operation, but answer operationResultCode "Accepted"
    "drop_after_commit",  # do the operation (the money moves), then close the connection
    "bad_gzip",  # do the operation, then answer a body that claims gzip and is not
    "deep_nesting",  # do the operation, then answer JSON nested deeper than parsers allow
    "proxy_503",  # do the operation, then answer like a proxy that lost it: a text/plain 503
    "proxy_502",  # do the operation, then answer like a proxy: an HTML 502 page
    "proxy_500",  # do the operation, then answer like a proxy: a JSON 500
]
FAULT_KINDS: tuple[str, ...] = FaultKind.__args__  # type: ignore[attr-defined]
BEFORE = frozenset(
    {"status_503", "status_429", "latency", "html_502", "drop_before_commit", "late_commit"}
)


class FaultError(ValueError):
    """A fault description that cannot be used."""


OPERATION_IDS: tuple[str, ...] = (
    "StartSession",
    "ValidateResults",
    "PaymentGatewayAccountsList",
    "PaymentGatewayAccountRetrieve",
    "PaymentGatewayAccountSet",
    "PaymentGatewayAccountDelete",
    "GatewayList",
    "GatewayCharge",
    "GatewayAuthorize",
    "GatewayCapture",
    "GatewayRefund",
    "GatewayVoid",
    "GatewayTokenize",
    "GatewayStatus",
    "ValidateApiKey",
    "StoreStringToken",
    "StringTokenRetrieve",
    "StringTokenDelete",
    "StringTokenRetrieveMetaData",
)
"""The spec's operationIds, which faults name (the app checks its routes against this list)."""

LEDGER_NAMES: dict[str, str] = {
    "Charge": "GatewayCharge",
    "PreAuth": "GatewayAuthorize",
    "Capture": "GatewayCapture",
    "Refund": "GatewayRefund",
    "Void": "GatewayVoid",
}
"""The ledger's ``operation`` names -> the operationId whose calls record them."""


def _words(operation_id: str) -> list[str]:
    return re.findall(r"[A-Z][a-z]*|[a-z]+|\d+", operation_id)


def _tails(operation_id: str) -> set[str]:
    """The operationId's endings at word boundaries, lower case: "GatewayCharge" -> "charge",
    "gatewaycharge"."""
    words = _words(operation_id)
    return {"".join(words[i:]).lower() for i in range(len(words))}


def resolve_operation(name: str | None) -> str | None:
    """The operationId a fault names: an operationId, a ledger name ("Charge", "PreAuth"...), or
    an operationId's unambiguous ending in any case ("status" -> "GatewayStatus").

    Raises:
        FaultError: the name matches no operation, or more than one (the message lists them).
    """
    if name is None or name in OPERATION_IDS:
        return name
    if not isinstance(name, str):
        raise FaultError("operation must be a string (an operationId such as 'GatewayCharge')")
    folded = name.lower()
    for ledger_name, operation_id in LEDGER_NAMES.items():
        if folded == ledger_name.lower():
            return operation_id
    matches = [op for op in OPERATION_IDS if folded in _tails(op)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise FaultError(f"operation {name!r} is ambiguous: use one of {', '.join(matches)}")
    candidates = {**{op: op for op in OPERATION_IDS}, **LEDGER_NAMES}
    close = difflib.get_close_matches(name, candidates, n=1)
    hint = f" (did you mean {candidates[close[0]]!r}?)" if close else ""
    raise FaultError(
        f"unknown operation {name!r}{hint}; use an operationId: {', '.join(OPERATION_IDS)}; "
        f"or a ledger name: {', '.join(f'{k} (= {v})' for k, v in LEDGER_NAMES.items())}"
    )


@dataclass
class Fault:
    """``kind`` for the next ``times`` calls of ``operation`` (an operationId; None: any).

    ``operation`` may also be given as a ledger name ("Charge", "PreAuth", "Capture", "Refund",
    "Void") or an operationId's unambiguous ending ("status"); it is stored as the operationId.
    An operation that matches nothing, or several, is a ``FaultError`` listing the choices.
    """

    kind: str
    operation: str | None = None
    times: int = 1
    retry_after: str | None = None
    seconds: float = 0.0
    fields: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise FaultError(f"unknown fault kind {self.kind!r}; one of {', '.join(FAULT_KINDS)}")
        self.operation = resolve_operation(self.operation)
        if not isinstance(self.times, int) or self.times < 1:
            raise FaultError("times must be a positive integer")
        if not 0 <= float(self.seconds) <= 120:
            raise FaultError("seconds must be between 0 and 120")

    @classmethod
    def from_json(cls, data: Any) -> Fault:
        if not isinstance(data, dict):
            raise FaultError("a fault is a JSON object")
        allowed = {"kind", "operation", "times", "retry_after", "seconds", "fields"}
        unknown = set(data) - allowed
        if unknown:
            raise FaultError(f"unknown fault fields: {', '.join(sorted(unknown))}")
        try:
            return cls(**data)
        except FaultError:
            raise
        except (TypeError, ValueError) as exc:  # e.g. "seconds": "soon"
            raise FaultError(str(exc)) from None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class Faults:
    """The queue of pending faults."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: list[Fault] = []

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._pending.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._pending.clear()

    def pending(self) -> list[Fault]:
        with self._lock:
            return [Fault(**f.to_json()) for f in self._pending]

    def take(self, operation: str, *, before: bool) -> Fault | None:
        """Consume one use of the first pending fault for this operation and phase."""
        with self._lock:
            for fault in self._pending:
                if (fault.kind in BEFORE) != before:
                    continue
                if fault.operation not in (None, operation):
                    continue
                fault.times -= 1
                if fault.times == 0:
                    self._pending.remove(fault)
                return Fault(**{**fault.to_json(), "times": 1})
        return None
