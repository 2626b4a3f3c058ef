"""The chaos matrix: every money operation x every fault kind, with and without a caller myRef,
sync and async, each reconciled and compared with the sandbox's ledger.

Used by tests/test_chaos.py (``make test``) and printed as a table by ``make chaos``.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from orchestra_payments import OrchestraError, Reconciliation

OPERATIONS = ("charge", "authorize", "capture", "refund", "void")
LEDGER_TYPE = {
    "charge": "Charge",
    "authorize": "PreAuth",
    "capture": "Capture",
    "refund": "Refund",
    "void": "Void",
}
# The original each follow-up acts on.
ORIGINAL = {"capture": "authorize", "refund": "charge", "void": "authorize"}

# fault kind -> the sandbox fault's options (the sandbox's clock is the test's fake clock).
FAULTS: dict[str, dict[str, Any]] = {
    "drop_after_commit": {},
    "drop_before_commit": {},
    "late_commit": {"seconds": 3.0},
    "latency": {"seconds": 0.08},  # past the client's read timeout for this call
    "empty_body": {},
    "truncated_body": {},
    "bad_gzip": {},
    "deep_nesting": {},
    "html_502": {},
    "unknown_result_code": {},
    "status_503": {"times": 2},
    "status_429": {"times": 2, "retry_after": "1"},
    "proxy_503": {},
    "proxy_502": {},
    "proxy_500": {},
}
# Faults after which nothing happened: the verdict must be not_found.
NOTHING_HAPPENED = frozenset({"drop_before_commit", "html_502", "status_503"})
SANDBOX_KIND = {"unknown_result_code": "unknown_enum"}
SANDBOX_FIELDS = {"unknown_result_code": {"operationResultCode": "x-unlisted-result"}}
LATENCY_TIMEOUT = 0.02
OPERATION_ID = {op: "Gateway" + op.capitalize() for op in OPERATIONS}


@dataclass(frozen=True)
class Case:
    operation: str
    fault: str
    caller_my_ref: bool
    mode: str  # "sync" | "async"

    @property
    def id(self) -> str:
        ref = "myRef" if self.caller_my_ref else "no-myRef"
        return f"{self.mode}-{self.operation}-{self.fault}-{ref}"


CASES = [
    Case(op, fault, ref, mode)
    for mode in ("sync", "async")
    for op in OPERATIONS
    for fault in FAULTS
    for ref in (True, False)
]
# `make test` runs every operation x fault once per mode, the caller's myRef alternating; `make
# chaos` (ORCHESTRA_CHAOS=full) runs all of CASES.
SAMPLE = [
    c
    for c in CASES
    if c.caller_my_ref == ((OPERATIONS.index(c.operation) + list(FAULTS).index(c.fault)) % 2 == 0)
]
RUN = CASES if os.environ.get("ORCHESTRA_CHAOS") == "full" else SAMPLE


@dataclass
class Row:
    """One case's outcome, against the ledger."""

    case: Case
    raised: str  # "" when the call returned a result
    verdict: str
    movements: int  # successful ledger entries of this operation

    @property
    def duplicated(self) -> bool:
        return self.movements > 1

    @property
    def reported_failed(self) -> bool:
        """The money moved but the caller was told it did not (a typed failure, not
        OutcomeUnknownError)."""
        return self.movements > 0 and self.raised not in ("", "OutcomeUnknownError")

    @property
    def disagrees(self) -> bool:
        return (self.verdict == "succeeded") != (self.movements == 1)


@dataclass
class Matrix:
    rows: list[Row] = field(default_factory=list)

    def table(self) -> str:
        lines = [
            "chaos matrix: money operation x fault, with/without caller myRef, sync+async; "
            "each reconciled and compared with the sandbox ledger",
            f"{'fault':<20} {'cases':>5} {'raised OutcomeUnknown':>21} {'verdicts':<28} "
            f"{'dup':>3} {'failed':>6} {'disagree':>8}",
        ]
        for fault in FAULTS:
            rows = [r for r in self.rows if r.case.fault == fault]
            if not rows:
                continue
            verdicts = Counter(r.verdict for r in rows)
            shown = ", ".join(f"{v} {n}" for v, n in sorted(verdicts.items()))
            lines.append(
                f"{fault:<20} {len(rows):>5} "
                f"{sum(r.raised == 'OutcomeUnknownError' for r in rows):>21} {shown:<28} "
                f"{sum(r.duplicated for r in rows):>3} {sum(r.reported_failed for r in rows):>6} "
                f"{sum(r.disagrees for r in rows):>8}"
            )
        lines.append(
            f"{'total':<20} {len(self.rows):>5} "
            f"{sum(r.raised == 'OutcomeUnknownError' for r in self.rows):>21} {'':<28} "
            f"{sum(r.duplicated for r in self.rows):>3} "
            f"{sum(r.reported_failed for r in self.rows):>6} "
            f"{sum(r.disagrees for r in self.rows):>8}"
        )
        return "\n".join(lines)


MATRIX = Matrix()


def money_body(my_ref: str | None, **over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "amount": 25.0,
        "currency": "USD",
        "paymentGatewayAccountName": "chaosok",
        "card": {
            "cardHolderName": "Jane Doe",
            "cardNumber": "4242424242424242",
            "expirationMonth": 12,
            "expirationYear": 2030,
        },
        **over,
    }
    if my_ref is not None:
        body["myRef"] = my_ref
    return body


def movements(ledger: list[dict[str, Any]], case: Case, ref_trans_id: str | None) -> int:
    kind = LEDGER_TYPE[case.operation]
    return sum(
        1
        for e in ledger
        if e["operation"] == kind
        and e["result"] == "Success"
        and (ref_trans_id is None or e["refTransId"] == ref_trans_id)
    )


def reconcile_kwargs(case: Case, result: Any, body: dict[str, Any]) -> dict[str, Any]:
    """How a caller who got a result confirms it (the stored-reference form)."""
    if case.operation in ORIGINAL:
        return {
            "ref_trans_id": body["refTransId"],
            "operation": case.operation,
            "amount": body["amount"],
            "payment_gateway_account_name": "chaosok",
        }
    return {"my_ref": result["myRef"], "payment_gateway_account_name": "chaosok"}


def fault_options(case: Case) -> tuple[str, dict[str, Any]]:
    kind = SANDBOX_KIND.get(case.fault, case.fault)
    options = dict(FAULTS[case.fault])
    if case.fault in SANDBOX_FIELDS:
        options["fields"] = SANDBOX_FIELDS[case.fault]
    return kind, options


def record(
    case: Case,
    outcome: Any,
    verdict: Reconciliation,
    ledger: list[dict[str, Any]],
    ref_trans_id: str | None,
) -> Row:
    raised = type(outcome).__name__ if isinstance(outcome, OrchestraError) else ""
    row = Row(case, raised, verdict.verdict, movements(ledger, case, ref_trans_id))
    MATRIX.rows.append(row)
    return row
