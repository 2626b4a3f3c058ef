"""The money model: a stateful property test of the client's promise

    "a caller who follows the client's advice never moves money twice, no verdict contradicts
    the ledger, every exception is an OrchestraError, every connection-queue place comes back".

A hypothesis ``RuleBasedStateMachine`` plays a caller against the bundled sandbox: it charges and
authorizes, captures, refunds and voids the transactions it knows (partial and repeated amounts),
with a fault from the sandbox's whole catalogue injected before any call, through the sync client
or ``AsyncOrchestra`` (httpx or aiohttp backend, each step in a new event loop; the follow-ups
on a transaction through the client that created it, as the README assumes). It acts on every
outcome as the README advises: a result is done; ``OutcomeUnknownError`` is reconciled (at once
or later); ``"not_found"`` is sent again, same body and myRef; ``"undetermined"`` never is, but
may be asked again later; a failure whose type says nothing was processed (429/503 after every
retry, a pool timeout) may be sent again.

Every logical operation is one ``myRef`` (follow-ups carry their own ``mdl-<n>``; the sandbox's
ledger records it). Each attempt to send it ends in a claim: "moved" (a result, a
``"succeeded"`` verdict), "none" (a typed failure, ``"declined"``, ``"not_found"``) or
"unknown". After every step, and at the end once every late commit has landed, with S the
number of successful ledger entries of that myRef:

- S <= 1 (money never moves twice), and no successful entry has a myRef no caller knows;
- S >= 1 if any attempt claims "moved" (a result, a ``"succeeded"`` verdict is in the ledger);
- S <= attempts - claims of "none" (``"not_found"``, ``"declined"``, a typed failure: never
  contradicted, also after late commits land);
- every exception from any client call is an ``OrchestraError``;
- no place of an ``AsyncOrchestra``'s connection queue stays in use after a step, and once
  the clients are closed no aiohttp session they made (one per event loop) is left open.

Steps that find nothing to act on (no known transaction, nothing pending) do nothing: rules
have no preconditions, which keeps counterexamples shrinkable. A failing example that ran to
its step limit cannot be shortened by hypothesis, only simplified: its printout may start
with such idle steps (``state.reconcile(...)`` with nothing pending), which did nothing.

Used by tests/test_money_model.py; ``STATS`` holds what was seen (verdicts, the reasons of
``"undetermined"``, exceptions, faults) for a terminal summary (``STATS.lines()``).
"""

from __future__ import annotations

import asyncio
import os
import re
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, TypeVar

import httpx
from hypothesis import note
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    rule,
)
from overlay_helpers import Clock

from orchestra_payments import (
    AsyncOrchestra,
    GatewayUnavailableError,
    Orchestra,
    OrchestraError,
    OutcomeUnknownError,
    PoolTimeoutError,
    RateLimitError,
    RetryPolicy,
)
from orchestra_payments.testing import use_clock
from orchestra_sandbox import SandboxServer

T = TypeVar("T")
Via = Literal["sync", "httpx", "aiohttp"]
Claim = Literal["moved", "none", "unknown"]

ACCOUNT = "modelok"  # NULLSuccess: approves everything
DECLINING = "modelno"  # NULLFailure: declines everything (a few originals use it)
CARD = {
    "cardHolderName": "Jane Doe",
    "cardNumber": "4242424242424242",
    "expirationMonth": 12,
    "expirationYear": 2030,
}
OPERATION_ID = {
    "charge": "GatewayCharge",
    "authorize": "GatewayAuthorize",
    "capture": "GatewayCapture",
    "refund": "GatewayRefund",
    "void": "GatewayVoid",
}
TX_KIND = {"charge": "Charge", "authorize": "PreAuth"}
# Typed failures whose type says nothing was processed: a caller may send the same body again.
RESENDABLE = (RateLimitError, GatewayUnavailableError, PoolTimeoutError)
MAX_ATTEMPTS = 3  # the first send and at most two more (after "not_found" or a 429/503)
LATE_PAST = 20.0  # seconds of the fake clock past which every late commit has landed (< 10 s)
POOL_PROBE_TIMEOUT = 2.0  # real seconds: the fallback check that the queue gives a place


def _fault_kinds() -> tuple[str, ...]:
    """The sandbox's fault kinds, read at run time (proxy_5xx exist only in newer sandboxes)."""
    from orchestra_sandbox import _faults

    kinds: tuple[str, ...] = tuple(getattr(_faults, "FAULT_KINDS", ()))
    return kinds


# Fault specs, as short strings that read well in a counterexample:
# "kind", "kind*times" (consecutive tries), "kind@seconds" (late_commit).
WANTED_FAULTS: dict[str, tuple[str, ...]] = {
    "drop_before_commit": ("drop_before_commit",),
    "drop_after_commit": ("drop_after_commit",),
    "late_commit": ("late_commit@0.5", "late_commit@3", "late_commit@9.5"),
    "empty_body": ("empty_body",),
    "truncated_body": ("truncated_body",),
    "bad_gzip": ("bad_gzip",),
    "deep_nesting": ("deep_nesting",),
    "html_502": ("html_502",),
    "status_503": ("status_503", "status_503*4"),  # *4: every try of the default policy
    "status_429": ("status_429", "status_429*4"),
    "accepted": ("accepted",),
    "unknown_enum": ("unknown_enum",),
    "proxy_503": ("proxy_503",),
    "proxy_502": ("proxy_502",),
    "proxy_500": ("proxy_500",),
}
# Faults on the status lookups of a reconcile (only the first lookup's tries get it).
WANTED_LOOKUP_FAULTS: dict[str, tuple[str, ...]] = {
    "drop_before_commit": ("drop_before_commit",),
    "html_502": ("html_502",),
    "empty_body": ("empty_body",),
    "truncated_body": ("truncated_body",),
    "status_503": ("status_503*4",),
    "status_429": ("status_429*4",),
    "proxy_503": ("proxy_503",),
}


def _clients() -> tuple[Via, ...]:
    """The clients a step may go through: ORCHESTRA_MODEL_CLIENTS (e.g. "sync" or
    "httpx,aiohttp"), default all three, mixed in one example: a charge sent by one worker may
    be reconciled or sent again by another (README: "a worker that crashed"). The follow-ups on
    a transaction all go through the client that created it (see FOREIGN_FOLLOW_UPS)."""
    wanted = os.environ.get("ORCHESTRA_MODEL_CLIENTS", "").replace(" ", "")
    chosen = tuple(v for v in ALL_CLIENTS if v in wanted.split(",")) if wanted else ()
    return chosen or ALL_CLIENTS


ALL_CLIENTS: tuple[Via, ...] = ("sync", "httpx", "aiohttp")
CLIENTS = _clients()
# Follow-ups on one transaction through several clients: outside what the README promises
# ("no other process (or other client object) sends follow-ups on the same transaction while
# one of yours is unresolved"), so off unless asked for; it shows what that assumption is for.
FOREIGN_FOLLOW_UPS = os.environ.get("ORCHESTRA_MODEL_FOREIGN_FOLLOW_UPS", "") not in ("", "0")
SKIPPED_FAULTS = frozenset(
    os.environ.get("ORCHESTRA_MODEL_SKIP_FAULTS", "").replace(" ", "").split(",")
)
KINDS = tuple(k for k in _fault_kinds() if k not in SKIPPED_FAULTS)
FAULTS: tuple[str, ...] = tuple(
    s for k, specs in WANTED_FAULTS.items() if k in KINDS for s in specs
)
LOOKUP_FAULTS: tuple[str, ...] = tuple(
    s for k, specs in WANTED_LOOKUP_FAULTS.items() if k in KINDS for s in specs
)
MISSING_FAULTS: tuple[str, ...] = tuple(
    k for k in WANTED_FAULTS if k not in KINDS and k not in SKIPPED_FAULTS
)


def fault_options(spec: str) -> tuple[str, dict[str, Any]]:
    """``"status_429*4"`` -> ("status_429", {"times": 4, "retry_after": "1"})."""
    kind, options = spec, dict[str, Any]()
    if "*" in spec:
        kind, times = spec.split("*")
        options["times"] = int(times)
    if "@" in spec:
        kind, seconds = spec.split("@")
        options["seconds"] = float(seconds)
    if kind == "status_429":
        options["retry_after"] = "1"
    if kind == "unknown_enum":
        options["fields"] = {"operationResultCode": "x-unlisted-result"}
    return kind, options


# --- what was seen, for the terminal summary --------------------------------------------------


def _shape(reason: str) -> str:
    """A reason with its amounts and operation names generalised, so that alike ones count
    together: "a Refund of 4.0 ... this void of 5.00" -> "a <Op> of <n> ... this <op> of <n>"."""
    reason = re.sub(r"\d+(?:\.\d+)?", "<n>", reason)
    reason = re.sub(r"\b(Charge|PreAuth|Capture|Refund|Void)\b", "<Op>", reason)
    return re.sub(r"\b(charge|authorize|capture|refund|void)\b", "<op>", reason)


@dataclass
class Stats:
    examples: int = 0
    steps: int = 0
    calls: Counter[str] = field(default_factory=Counter)  # "via operation"
    faults: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)  # "result" or the exception type
    verdicts: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)  # of "undetermined"
    rules: Counter[str] = field(default_factory=Counter)  # steps per rule
    idle: int = 0  # steps with nothing to act on (no transaction, nothing pending...)
    resends: int = 0
    late: int = 0  # late commits still pending at the end of an example (landed then)

    def step(self, name: str) -> None:
        self.steps += 1
        self.rules[name] += 1

    def lines(self) -> list[str]:
        if not self.examples:
            return []
        total = sum(self.verdicts.values())
        undetermined = self.verdicts.get("undetermined", 0)
        share = f"{undetermined / total:.0%}" if total else "-"
        lines = [
            f"money model: {self.examples} examples, {self.steps} steps ({self.idle} idle), "
            f"{sum(self.calls.values())} money calls, {self.resends} resends, {self.late} late "
            "commits landing at the end (shrinking runs included)",
            "  steps: " + ", ".join(f"{name} {n}" for name, n in self.rules.most_common()),
            "  verdicts: "
            + (", ".join(f"{v} {n}" for v, n in sorted(self.verdicts.items())) or "none")
            + f"; undetermined {share}",
        ]
        for reason, n in self.reasons.most_common(12):
            lines.append(f"    undetermined x{n}: {reason}")
        if len(self.reasons) > 12:
            lines.append(f"    ... and {len(self.reasons) - 12} other reasons")
        lines.append("  outcomes: " + ", ".join(f"{o} {n}" for o, n in self.outcomes.most_common()))
        lines.append("  faults: " + ", ".join(f"{f} {n}" for f, n in sorted(self.faults.items())))
        if MISSING_FAULTS:
            lines.append(f"  fault kinds not in this sandbox: {', '.join(MISSING_FAULTS)}")
        left_out = sorted(SKIPPED_FAULTS & set(WANTED_FAULTS))
        if left_out:
            lines.append(
                f"  fault kinds left out (ORCHESTRA_MODEL_SKIP_FAULTS): {', '.join(left_out)}"
            )
        if FOREIGN_FOLLOW_UPS:
            lines.append("  follow-ups on one transaction through several clients (FOREIGN)")
        if CLIENTS != ALL_CLIENTS:
            lines.append(f"  clients (ORCHESTRA_MODEL_CLIENTS): {', '.join(CLIENTS)}")
        return lines


STATS = Stats()


# --- the caller's view ------------------------------------------------------------------------


@dataclass
class Tx:
    """A transaction the caller knows (from a result or a "succeeded" verdict)."""

    ref: str
    kind: str  # "Charge" | "PreAuth"
    account: str
    amount: float
    owner: Via  # the client that sends (and reconciles) the follow-ups on it


@dataclass
class Attempt:
    """One send of an operation's body, and what the caller was told about it."""

    claim: Claim
    story: str  # e.g. "refund 5.0 [drop_after_commit] -> OutcomeUnknownError -> not_found"


@dataclass(eq=False)
class Op:
    """One logical money operation: one myRef, one or more attempts."""

    label: str
    operation: str  # charge | authorize | capture | refund | void
    body: dict[str, Any]
    my_ref: str = ""
    tx: Tx | None = None  # the transaction this operation created or acted on, when known
    attempts: list[Attempt] = field(default_factory=list)
    pending: OutcomeUnknownError | None = None  # the unknown outcome still to reconcile
    via: Via = "sync"  # the client of the latest send
    resend_ok: bool = False  # told nothing happened: may be sent again

    def __repr__(self) -> str:
        return self.label

    def history(self) -> str:
        return f"{self.label} (myRef {self.my_ref}): " + "; ".join(a.story for a in self.attempts)


@dataclass(frozen=True)
class Sandbox:
    server: SandboxServer
    clock: Clock


def _attr(obj: object, name: str) -> object:
    try:  # a property may need a running event loop, or anything else
        return getattr(obj, name, None)
    except Exception:
        return None


def transport_chain(client: AsyncOrchestra) -> list[object]:
    """Every object of the client's transport chain under ``http_client``: ``_transport``,
    ``inner``, ``queue``, ``pools``, the per-loop ``transports()``, aiohttp's ``client``..."""
    seen: dict[int, object] = {}
    todo: list[tuple[object, int]] = [(_attr(client.http_client, "_transport"), 0)]
    while todo:
        obj, depth = todo.pop()
        if obj is None or id(obj) in seen or depth > 10:
            continue
        seen[id(obj)] = obj
        for name in ("queue", "_queue", "inner", "_inner", "transport", "_transport", "client"):
            todo.append((_attr(obj, name), depth + 1))
        for name in ("pools", "_pools", "_by_loop"):
            many = _attr(obj, name)
            if isinstance(many, dict):
                many = list(many.values())
            if isinstance(many, list | tuple):
                todo.extend((item, depth + 1) for item in many)
        transports = _attr(obj, "transports")
        if callable(transports):
            try:
                listed = transports()
            except Exception:
                listed = None
            if isinstance(listed, list | tuple):
                todo.extend((item, depth + 1) for item in listed)
    return list(seen.values())


def queue_places_in_use(client: AsyncOrchestra) -> int | None:
    """The places in use in the client's connection queues, summed; None when no queue is
    found."""
    found = [
        in_use
        for obj in transport_chain(client)
        if isinstance(in_use := _attr(obj, "in_use"), int) and not isinstance(in_use, bool)
    ]
    return sum(found) if found else None


def aiohttp_sessions(client: AsyncOrchestra) -> list[object]:
    """The aiohttp ClientSessions in the client's transport chain."""
    return [
        obj
        for obj in transport_chain(client)
        if type(obj).__name__ == "ClientSession" and type(obj).__module__.startswith("aiohttp")
    ]


class MoneyModel(RuleBasedStateMachine):
    """See the module docstring. ``sandbox`` is set by the test before it runs."""

    sandbox: ClassVar[Sandbox | None] = None

    def __init__(self) -> None:
        super().__init__()
        assert self.sandbox is not None, "set MoneyModel.sandbox first"
        self.server = self.sandbox.server
        self.clock = self.sandbox.clock
        self.app = self.server.app
        self.app.reset()
        self.all_ops: list[Op] = []
        self.txs: list[Tx] = []  # the transactions the caller knows, in the order it learnt them
        self.counter = 0
        self.broken = False
        self.sync = use_clock(
            Orchestra(
                api_key=self.server.api_key,
                base_url=self.server.base_url,
                retry=RetryPolicy(wait_jitter=0),
            ),
            sleep=self.clock.sleep,
            clock=self.clock,
        )
        self.async_clients: dict[str, AsyncOrchestra] = {}
        self.sessions: dict[int, Any] = {}  # aiohttp ClientSessions seen, kept to check at the end
        self._guard("set up the accounts", self._accounts)
        STATS.examples += 1

    def _accounts(self) -> None:
        self.sync.gateway_accounts.set(ACCOUNT, {"paymentGatewayName": "NULLSuccess"})
        self.sync.gateway_accounts.set(DECLINING, {"paymentGatewayName": "NULLFailure"})

    # --- plumbing ----------------------------------------------------------------------------

    def _fail(self, message: str, cause: BaseException | None = None) -> None:
        self.broken = True
        raise AssertionError(message) from cause

    def _guard(self, what: str, call: Callable[[], T]) -> T:
        """Run a client call; any exception but an OrchestraError fails the test (invariant 4)."""
        try:
            return call()
        except OrchestraError:
            raise
        except KeyboardInterrupt:
            raise
        except BaseException as exc:
            self._fail(f"{what} raised {type(exc).__name__}, not an OrchestraError: {exc!r}", exc)
            raise  # unreachable: _fail raises

    def _async_client(self, via: str) -> AsyncOrchestra:
        client = self.async_clients.get(via)
        if client is None:
            client = use_clock(
                AsyncOrchestra(
                    api_key=self.server.api_key,
                    base_url=self.server.base_url,
                    retry=RetryPolicy(wait_jitter=0),
                    http_backend="aiohttp" if via == "aiohttp" else "httpx",
                ),
                sleep=self.clock.async_sleep,
                clock=self.clock,
            )
            self.async_clients[via] = client
        return client

    def _run(self, via: Via, what: str, call: Callable[[Any], Any]) -> Any:
        """``call(payment_gateway)`` through the chosen client: sync, or awaited in a new event
        loop (``asyncio.run``) on an AsyncOrchestra that lives across steps."""
        if via == "sync":
            return self._guard(what, lambda: call(self.sync.payment_gateway))
        client = self._async_client(via)

        async def run() -> Any:
            awaitable: Awaitable[Any] = call(client.payment_gateway)
            return await awaitable

        return self._guard(what, lambda: asyncio.run(run()))

    def _inject(self, spec: str | None, operation_id: str) -> None:
        self.app.faults.clear()
        if spec is None:
            return
        kind, options = fault_options(spec)
        self.app.inject(kind, operation_id, **options)
        STATS.faults[spec if operation_id != "GatewayStatus" else f"status:{spec}"] += 1

    def _next(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}-{self.counter:04d}"

    def _learn(self, op: Op, reference: str) -> None:
        """The transaction ``op`` (a charge or authorize) created is now known; its follow-ups
        go through the client that sent it."""
        if op.tx is None or op.tx.ref != reference:
            op.tx = Tx(
                reference,
                TX_KIND[op.operation],
                op.body["paymentGatewayAccountName"],
                float(op.body["amount"]),
                op.via,
            )
            self.txs.append(op.tx)

    # --- sending and acting on the outcome -------------------------------------------------

    def _send(self, op: Op, fault: str | None, via: Via, reconcile_now: bool) -> None:
        """One attempt of ``op``: inject, send, record the claim, act as the README says."""
        body = dict(op.body)
        if op.my_ref:
            body["myRef"] = op.my_ref  # a resend: the same myRef
        op.via = via
        self._inject(fault, OPERATION_ID[op.operation])
        STATS.calls[f"{via} {op.operation}"] += 1
        where = f"{op.operation} {body['amount']}" + (
            f" on {op.tx.ref}" if op.tx and op.operation not in TX_KIND else ""
        )
        story = f"{where} via {via}" + (f" [{fault}]" if fault else "")
        try:
            result = self._run(via, story, lambda pg: getattr(pg, op.operation)(body))
        except OrchestraError as exc:
            self.app.faults.clear()
            self._on_error(op, exc, story, via, reconcile_now)
            return
        self.app.faults.clear()
        STATS.outcomes["result"] += 1
        code = getattr(result, "operation_result_code", None)
        if not op.my_ref:
            try:
                my_ref = result["myRef"]
            except (KeyError, TypeError):
                my_ref = None
            if not isinstance(my_ref, str):
                self._fail(f"{story}: the result carries no myRef (result['myRef'])")
            op.my_ref = str(my_ref)
        if op.operation in TX_KIND:
            reference = getattr(result, "gateway_reference", None)
            if isinstance(reference, str):
                self._learn(op, reference)
        op.attempts.append(Attempt("moved", f"{story} -> result {code}"))
        op.resend_ok = False
        note(f"{op.history()}")

    def _on_error(
        self, op: Op, exc: OrchestraError, story: str, via: Via, reconcile_now: bool
    ) -> None:
        name = type(exc).__name__
        STATS.outcomes[name] += 1
        if not op.my_ref:
            if not exc.my_ref:
                self._fail(f"{story}: {name} carries no .my_ref (every money-call error must)")
            op.my_ref = str(exc.my_ref)
        if isinstance(exc, OutcomeUnknownError):
            op.attempts.append(Attempt("unknown", f"{story} -> {name}"))
            op.pending = exc
            op.resend_ok = False
            note(op.history())
            if reconcile_now:
                self._reconcile(op, via, None)
            return
        op.attempts.append(Attempt("none", f"{story} -> {name}"))
        op.resend_ok = isinstance(exc, RESENDABLE)
        note(op.history())

    def _reconcile(self, op: Op, via: Via, lookup_fault: str | None) -> None:
        error = op.pending
        assert error is not None
        self._inject(lookup_fault, "GatewayStatus")
        attempt = op.attempts[-1]
        label = f"reconcile via {via}" + (f" [status:{lookup_fault}]" if lookup_fault else "")
        try:
            verdict = self._run(via, f"{op.label}: {label}", lambda pg: pg.reconcile(error))
        except OrchestraError as exc:
            # reconcile raises only for a request it cannot look up: nothing learned.
            self.app.faults.clear()
            attempt.story += f" -> {label} raised {type(exc).__name__}"
            STATS.outcomes[f"reconcile {type(exc).__name__}"] += 1
            note(op.history())
            return
        self.app.faults.clear()
        name = str(verdict.verdict)
        STATS.verdicts[name] += 1
        reason = getattr(verdict, "reason", None)
        attempt.story += f" -> {label}: {name}" + (f" ({reason})" if reason else "")
        if name == "succeeded":
            attempt.claim = "moved"
            op.pending = None
            found = getattr(verdict.result, "gateway_reference", None)
            if op.operation in TX_KIND and isinstance(found, str):
                self._learn(op, found)
        elif name == "declined":
            attempt.claim = "none"
            op.pending = None
        elif name == "not_found":
            attempt.claim = "none"
            op.pending = None
            op.resend_ok = True  # "it did not happen: sending it again is safe"
        else:  # "undetermined": never resend; may ask again later
            STATS.reasons[_shape(str(reason)) if reason else "(no reason given)"] += 1
        note(op.history())
        # A verdict must agree with the ledger as soon as it is given.
        self._check_op(op, self.app.ledger())

    # --- invariants --------------------------------------------------------------------------

    def _check_op(self, op: Op, ledger: list[dict[str, Any]]) -> None:
        if not op.my_ref:
            return
        entries = [e for e in ledger if e.get("myRef") == op.my_ref]
        moved = sum(e.get("result") == "Success" for e in entries)
        said_moved = any(a.claim == "moved" for a in op.attempts)
        said_none = sum(a.claim == "none" for a in op.attempts)
        where = f"{op.history()}\n  ledger entries of {op.my_ref}: {entries}"
        if moved > 1:
            self._fail(f"money moved {moved} times for one operation: {where}")
        if said_moved and moved != 1:
            self._fail(f"told it moved (a result or 'succeeded'), ledger has {moved}: {where}")
        if moved > len(op.attempts) - said_none:
            self._fail(
                f"told it did not move (a typed failure, 'declined' or 'not_found'), "
                f"ledger has {moved}: {where}"
            )

    def check_ledger(self) -> None:
        ledger = self.app.ledger()  # late commits that are due land at this read
        for op in self.all_ops:
            self._check_op(op, ledger)
        known = {op.my_ref for op in self.all_ops}
        stray = [e for e in ledger if e.get("result") == "Success" and e.get("myRef") not in known]
        if stray:
            self._fail(f"money moved under myRefs no caller knows: {stray}")

    def check_queues(self) -> None:
        for via, client in self.async_clients.items():
            if client.http_client.is_closed:
                continue
            self.sessions.update((id(x), x) for x in aiohttp_sessions(client))
            in_use = queue_places_in_use(client)
            if in_use is None:
                self._probe_pool(via)
            elif in_use:
                self._fail(f"AsyncOrchestra ({via}): {in_use} connection-queue place(s) in use")

    def _probe_pool(self, via: Via | str) -> None:
        """No queue found: a status call must get a connection within its pool timeout."""
        client = self._async_client(via)

        async def probe() -> None:
            try:
                await client.payment_gateway.status(
                    {"myRef": "mdl-probe", "paymentGatewayAccountName": ACCOUNT},
                    timeout=httpx.Timeout(5.0, pool=POOL_PROBE_TIMEOUT),
                )
            except PoolTimeoutError as exc:
                self._fail(f"AsyncOrchestra ({via}): no connection came free: {exc}", exc)
            except OrchestraError:
                pass  # sent and answered (not found): a place came free

        self._guard(f"status probe via {via}", lambda: asyncio.run(probe()))

    @invariant()
    def ledger_agrees(self) -> None:
        self.check_ledger()
        self.check_queues()

    # --- rules -------------------------------------------------------------------------------

    @rule(
        operation=st.sampled_from(("charge", "authorize")),
        amount=st.sampled_from((10.0, 20.0)),
        caller_ref=st.booleans(),
        account=st.sampled_from((ACCOUNT, ACCOUNT, ACCOUNT, DECLINING)),
        fault=st.none() | st.sampled_from(FAULTS),
        via=st.sampled_from(CLIENTS),
        reconcile_now=st.booleans(),
    )
    def pay(
        self,
        operation: str,
        amount: float,
        caller_ref: bool,
        account: str,
        fault: str | None,
        via: Via,
        reconcile_now: bool,
    ) -> None:
        """A charge or authorize, with the caller's myRef or none (the client makes one)."""
        STATS.step("pay")
        body: dict[str, Any] = {
            "amount": amount,
            "currency": "USD",
            "paymentGatewayAccountName": account,
            "card": dict(CARD),
        }
        op = Op(self._next("op"), operation, body)
        if caller_ref:
            op.my_ref = body["myRef"] = self._next("ord")
        self.all_ops.append(op)
        self._send(op, fault, via, reconcile_now)

    @rule(
        tx=st.integers(0, 7),
        operation=st.sampled_from(("refund", "capture", "void")),
        amount=st.sampled_from((5.0, 4.0, 10.0)),
        fault=st.none() | st.sampled_from(FAULTS),
        via=st.sampled_from(CLIENTS) if FOREIGN_FOLLOW_UPS else st.none(),
        reconcile_now=st.booleans(),
    )
    def follow_up(
        self,
        tx: int,
        operation: str,
        amount: float,
        fault: str | None,
        via: Via | None,
        reconcile_now: bool,
    ) -> None:
        """A capture, refund or void of a known transaction (``tx``: 0 the first one known),
        through the client that owns it (``via``: another one, with
        ORCHESTRA_MODEL_FOREIGN_FOLLOW_UPS=1)."""
        STATS.step("follow_up")
        if not self.txs:
            STATS.idle += 1
            return
        known = self.txs[tx % len(self.txs)]
        via = via or known.owner
        body: dict[str, Any] = {
            "amount": amount,
            "currency": "USD",
            "refTransId": known.ref,
            "paymentGatewayAccountName": known.account,
            "card": dict(CARD),
        }
        op = Op(self._next("op"), operation, body, tx=known)
        op.my_ref = body["myRef"] = self._next("mdl")
        self.all_ops.append(op)
        self._send(op, fault, via, reconcile_now)

    @staticmethod
    def _client_for(op: Op, via: Via) -> Via:
        """A charge or authorize may be reconciled or sent again through any client (README:
        "a worker that crashed"); a follow-up through the one that sent it (README: "no other
        client object sends follow-ups on the same transaction while one of yours is
        unresolved"), unless ORCHESTRA_MODEL_FOREIGN_FOLLOW_UPS=1."""
        if op.operation in TX_KIND or FOREIGN_FOLLOW_UPS:
            return via
        return op.via

    def pending(self) -> list[Op]:
        """Operations with an unknown outcome still to reconcile, oldest first."""
        return [op for op in self.all_ops if op.pending is not None]

    def resendable(self) -> list[Op]:
        """Operations the client said did not happen, not yet sent again, oldest first."""
        return [op for op in self.all_ops if op.resend_ok and len(op.attempts) < MAX_ATTEMPTS]

    @rule(
        which=st.integers(0, 7),
        via=st.sampled_from(CLIENTS),
        lookup_fault=st.none() | st.none() | st.sampled_from(LOOKUP_FAULTS),
    )
    def reconcile(self, which: int, via: Via, lookup_fault: str | None) -> None:
        """Reconcile an unknown outcome later (``which``: 0 the oldest pending), also an
        "undetermined" one asked again."""
        STATS.step("reconcile")
        pending = self.pending()
        if not pending:
            STATS.idle += 1
            return
        op = pending[which % len(pending)]
        self._reconcile(op, self._client_for(op, via), lookup_fault)

    @rule(
        which=st.integers(0, 7),
        fault=st.none() | st.sampled_from(FAULTS),
        via=st.sampled_from(CLIENTS),
        reconcile_now=st.booleans(),
    )
    def resend(self, which: int, fault: str | None, via: Via, reconcile_now: bool) -> None:
        """Send again what the client said did not happen ("not_found", a 429/503 after every
        retry): the same body, the same myRef (``which``: 0 the oldest such operation)."""
        STATS.step("resend")
        candidates = self.resendable()
        if not candidates:
            STATS.idle += 1
            return
        op = candidates[which % len(candidates)]
        STATS.resends += 1
        op.resend_ok = False
        self._send(op, fault, self._client_for(op, via), reconcile_now)

    # --- the end -----------------------------------------------------------------------------

    def teardown(self) -> None:
        try:
            if not self.broken:
                self.app.settle()
                pending = len(getattr(self.app, "_late", ()))
                self.clock.sleep(LATE_PAST)  # every late commit is due ...
                self.check_ledger()  # ... and lands at this ledger read
                STATS.late += pending
                self.check_queues()
        finally:
            self.close()
        if not self.broken:
            self.check_sessions_closed()

    def check_sessions_closed(self) -> None:
        """Once the clients are closed, so is every aiohttp session they made (one per event
        loop): none is left for the garbage collector ("Unclosed client session")."""
        sessions, self.sessions = list(self.sessions.values()), {}
        still_open = [x for x in sessions if getattr(x, "closed", True) is False]
        if still_open:
            self._fail(
                f"AsyncOrchestra (aiohttp): {len(still_open)} of the {len(sessions)} aiohttp "
                "ClientSessions it made (one per event loop) still open after aclose()"
            )

    def close(self) -> None:
        self.sync.close()
        for via, client in list(self.async_clients.items()):
            try:
                asyncio.run(client.aclose())
            except OrchestraError:
                pass
            except Exception as exc:
                if not self.broken:
                    self._fail(f"AsyncOrchestra ({via}).aclose() raised {exc!r}", exc)
        self.async_clients.clear()
        self.app.faults.clear()


def steps_from_env(default_examples: int, default_steps: int) -> tuple[int, int]:
    """(max_examples, stateful_step_count): ORCHESTRA_MODEL_STEPS=5000 spreads about 5,000
    steps over examples of at most 50 (hypothesis ends some early: they average about 40, so
    20% more examples); unset, the small defaults of ``make test``."""
    total = os.environ.get("ORCHESTRA_MODEL_STEPS", "").strip()
    if not total:
        return default_examples, default_steps
    steps = 50
    return max(1, -(-int(total) * 6 // (steps * 5))), steps
