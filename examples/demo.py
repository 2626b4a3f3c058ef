"""End-to-end tour of the client. Run it with `make demo`.

It always runs against a bundled sandbox on a free loopback port, whatever the environment
says. Only `--live` (`make demo LIVE=1`) uses the real API, with ORCHESTRA_API_KEY (and
optionally ORCHESTRA_BASE_URL): it says first what it will create there and deletes it at the
end, also when a step fails."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING

import httpx

from orchestra_payments import (
    GatewayRejectedError,
    NotFoundError,
    Orchestra,
    OutcomeUnknownError,
    RetryPolicy,
)
from orchestra_payments.params import CaptureVoidParams, CardParams, ChargeParams, RefundParams

if TYPE_CHECKING:
    from collections.abc import Sequence

    from opentelemetry.sdk.trace import ReadableSpan
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from orchestra_sandbox import SandboxApp as Sandbox

CARD: CardParams = {
    "cardHolderName": "Ada Lovelace",
    "cardNumber": "4242424242424242",
    "expirationMonth": 12,
    "expirationYear": 2030,
    "cvv": "123",
}
# Distinct myRefs per run, so that status lookups on a real account find this run's payments.
RUN = os.environ.get("DEMO_RUN_ID") or str(int(time.time()))


def line(step: str, detail: str) -> None:
    print(f"  {step:<34} {detail}")


# The gateway accounts the tour stores (mock gateways: no real money moves).
DEMO_ACCOUNTS = ("demoNullSuccess", "demoNullFailure")


@contextmanager
def live_target() -> Iterator[tuple[Orchestra, None, str]]:
    """The real API (ORCHESTRA_API_KEY, ORCHESTRA_BASE_URL): announce, then clean up."""
    if not os.environ.get("ORCHESTRA_API_KEY"):
        raise SystemExit(
            "make demo LIVE=1 needs ORCHESTRA_API_KEY (and optionally ORCHESTRA_BASE_URL)"
        )
    tokens: list[str] = []

    def track_tokens(response: httpx.Response) -> None:
        request = response.request
        created = response.status_code == 201 and "Location" in response.headers
        if created and request.method == "POST" and request.url.path.endswith("/StringTokens"):
            tokens.append(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])

    with Orchestra(event_hooks={"response": [track_tokens]}) as client:
        taken = sorted({str(a.name) for a in client.gateway_accounts.list()} & set(DEMO_ACCOUNTS))
        if taken:
            raise SystemExit(
                f"{client.base_url} already has gateway accounts named {', '.join(taken)}; the "
                "demo would overwrite and then delete them. Rename them, or run `make demo`."
            )
        print(
            f"Live demo against {client.base_url}. It will create on this account:\n"
            f"  - gateway accounts {' and '.join(DEMO_ACCOUNTS)} (mock gateways NULLSuccess and "
            "NULLFailure: no real money moves)\n"
            "  - one string token holding the test card number 4242...4242\n"
            f"  - test payments with myRef demo-*-{RUN} (charges, an authorization, a capture, a "
            "refund, a void)\n"
            "It deletes the gateway accounts and the string token at the end; the test payments "
            "stay in the account's transaction history.\n"
        )
        try:
            yield client, None, client.base_url
        finally:
            for token in tokens:
                with suppress(NotFoundError):  # gone if the tour reached its last step
                    client.string_tokens.delete(token)
            for name in DEMO_ACCOUNTS:
                with suppress(NotFoundError):
                    client.gateway_accounts.delete(name)
            print("\nCleaned up: deleted the demo's gateway accounts and string token.")


@contextmanager
def target(live: bool) -> Iterator[tuple[Orchestra, Sandbox | None, str]]:
    """A sandbox on a free loopback port; the real API only when asked for (--live)."""
    if live:
        with live_target() as chosen:
            yield chosen
        return
    if os.environ.get("ORCHESTRA_API_KEY"):
        print(
            "ORCHESTRA_API_KEY is set but not used: `make demo LIVE=1` runs against the real API."
        )
    from orchestra_sandbox import SandboxServer

    with SandboxServer() as server:
        policy = RetryPolicy(wait_initial=0.2, wait_max=1.0, wait_jitter=0.1)
        with Orchestra(api_key=server.api_key, base_url=server.base_url, retry=policy) as client:
            yield client, server.app, f"{server.base_url} (bundled sandbox)"


def tracing() -> InMemorySpanExporter | None:
    """The OpenTelemetry SDK with an in-memory exporter, to show a scene's trace (the demo
    group installs the SDK; a service would export to its collector instead)."""
    try:
        from opentelemetry import trace
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
            InMemorySpanExporter,
        )
    except ImportError:
        return None
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    return exporter


def print_trace(spans: Sequence[ReadableSpan]) -> None:
    """The spans as a tree: children under their parent, events as lines, links named."""
    names = {s.context.span_id: s.name for s in spans if s.context is not None}
    children: dict[int | None, list[ReadableSpan]] = {}
    for span in spans:
        parent = span.parent.span_id if span.parent is not None else None
        children.setdefault(parent if parent in names else None, []).append(span)

    def show(span: ReadableSpan, depth: int) -> None:
        attributes = dict(span.attributes or {})
        facts = [
            f"{key.removeprefix('orchestra.')}={attributes[key]}"
            for key in (
                "orchestra.attempts",
                "http.response.status_code",
                "orchestra.result_code",
                "orchestra.outcome_unknown",
                "error.type",
                "orchestra.reconcile.verdict",
                "orchestra.reconcile.lookups",
            )
            if key in attributes
        ]
        linked = [names.get(link.context.span_id, "?") for link in span.links]
        link_text = f"  (linked to {', '.join(linked)})" if linked else ""
        print(f"    {'  ' * depth}{span.name}  {' '.join(facts)}{link_text}")
        for event in span.events:
            detail = " ".join(
                f"{k.removeprefix('orchestra.')}={v!s}" for k, v in (event.attributes or {}).items()
            )
            print(f"    {'  ' * depth}  · {event.name.removeprefix('orchestra.')} {detail}")
        for child in sorted(
            children.get(span.context.span_id, []), key=lambda s: s.start_time or 0
        ):
            show(child, depth + 1)

    for root in sorted(children.get(None, []), key=lambda s: s.start_time or 0):
        show(root, 0)


def lost_answer(client: Orchestra, app: Sandbox, spans: InMemorySpanExporter | None) -> None:
    """A charge whose answer is lost after the money moved: reconcile, never charge again."""
    if spans is not None:
        spans.clear()
    app.inject("drop_after_commit", "GatewayCharge")
    body: ChargeParams = {
        "amount": 19.0,
        "currency": "USD",
        "paymentGatewayAccountName": "demoNullSuccess",
        "card": CARD,
    }  # no myRef: the client generates one, so the charge can be looked up
    try:
        client.payment_gateway.charge(body)
        line("charge, answer lost", "unexpectedly answered")
        return
    except OutcomeUnknownError as exc:
        error = exc
    line("charge, answer lost", f"OutcomeUnknownError (generated myRef {error.my_ref})")
    outcome = client.payment_gateway.reconcile(error)
    found = outcome.result
    line(
        "payment_gateway.reconcile(error)",
        f"{outcome.verdict}: {getattr(found, 'operation_type', None)} "
        f"{getattr(found, 'amount', None)} (ref {getattr(found, 'gateway_reference', None)})",
    )
    charged = [e for e in app.ledger() if e["myRef"] == error.my_ref]
    line("sandbox ledger: charges for it", f"{len(charged)} (never sent twice)")
    if spans is not None:
        print("  the trace of this scene (OpenTelemetry):")
        print_trace(spans.get_finished_spans())


def proxied(client: Orchestra, app: Sandbox, body: ChargeParams) -> None:
    """A proxy answers 503 after forwarding a charge: never resent; a lookup that meets 503s
    (it moves no money) is retried."""
    app.inject("proxy_503", "GatewayCharge")
    try:
        client.payment_gateway.charge(body)
        line("charge, then a proxy's 503", "unexpectedly answered")
        return
    except OutcomeUnknownError as exc:
        error = exc
    unknown = f"OutcomeUnknownError (HTTP {error.status_code}), not resent"
    line("charge, then a proxy's 503", unknown)
    app.inject("status_503", "GatewayStatus", times=2, retry_after="0.2")
    outcome = client.payment_gateway.reconcile(error)
    line("reconcile: 503, 503, then found", f"{outcome.verdict} ({outcome.reason})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make demo", description=__doc__.splitlines()[0])
    parser.add_argument("--live", action="store_true", help="the real API (ORCHESTRA_API_KEY)")
    live = parser.parse_args(argv).live
    logging.basicConfig(level=logging.WARNING, format="  [log] %(message)s", stream=sys.stdout)
    spans = tracing()
    with target(live) as (client, sandbox, where):
        print(f"Orchestra demo against {where}\n")
        who = client.utils.validate_api_key()
        line("validate API key", f"status={who.status} sandbox={who.is_sandbox}")
        gateways = client.payment_gateway.list_gateways()
        line("list gateways", ", ".join(str(g.name) for g in gateways))

        client.gateway_accounts.set("demoNullSuccess", {"paymentGatewayName": "NULLSuccess"})
        client.gateway_accounts.set("demoNullFailure", {"paymentGatewayName": "NULLFailure"})
        names = [a.name for a in client.gateway_accounts.list()]
        line("store gateway accounts", ", ".join(str(n) for n in names))

        stored = client.with_raw_response.string_tokens.create({"payload": CARD["cardNumber"]})
        token = stored.parsed.token
        line("vault the card as a string token", f"201, Location {stored.headers['Location']}")

        def pay(account: str, my_ref: str, card: CardParams, amount: float = 42.0) -> ChargeParams:
            return {
                "amount": amount,
                "currency": "USD",
                "myRef": my_ref,
                "paymentGatewayAccountName": account,
                "card": card,
            }

        def follow_up(my_ref: str, ref_trans_id: str, amount: float = 42.0) -> CaptureVoidParams:
            """A capture, refund or void of an earlier charge or authorization."""
            return {
                "amount": amount,
                "currency": "USD",
                "myRef": my_ref,
                "paymentGatewayAccountName": "demoNullSuccess",
                "card": CARD,
                "refTransId": ref_trans_id,
            }

        charged = client.payment_gateway.charge(
            pay("demoNullSuccess", f"demo-charge-{RUN}", {**CARD, "cardNumber": f"@{token}"})
        )
        line(
            "charge with @token and myRef",
            f"{charged.operation_result_code} ref={charged.gateway_reference}",
        )

        try:
            client.payment_gateway.charge(pay("demoNullFailure", f"demo-decline-{RUN}", CARD))
        except GatewayRejectedError as exc:
            line(
                "declined charge",
                f"{type(exc).__name__}: gateway code "
                f"{exc.gateway_result_code} ({exc.gateway_result_description})",
            )

        if sandbox is not None:
            lost_answer(client, sandbox, spans)
            proxied(client, sandbox, pay("demoNullSuccess", f"demo-proxy-{RUN}", CARD))
        else:
            line("lost answer, proxy 503", "skipped: faults are injected only into the sandbox")

        auth = client.payment_gateway.authorize(pay("demoNullSuccess", f"demo-auth-{RUN}", CARD))
        ref = str(auth.gateway_reference)
        cap = client.payment_gateway.capture(follow_up(f"demo-auth-{RUN}", ref))
        partial: RefundParams = {
            "amount": 10.0,
            "currency": "USD",
            "myRef": f"demo-auth-{RUN}",
            "paymentGatewayAccountName": "demoNullSuccess",
            "card": CARD,
            "refTransId": ref,
        }
        refund = client.payment_gateway.refund(partial)
        line(
            "authorize -> capture -> refund",
            f"{auth.operation_result_code} -> {cap.operation_result_code} -> "
            f"{refund.operation_result_code} (refunded {refund.amount})",
        )

        voided = client.payment_gateway.void(
            follow_up(f"demo-charge-{RUN}", str(charged.gateway_reference))
        )
        line("void the first charge", str(voided.operation_result_code))

        status = client.payment_gateway.status({"myRef": f"demo-charge-{RUN}"})
        line(
            "status by myRef",
            f"{status.operation_type} {status.operation_result_code} "
            f"amount={status.amount} {status.currency}",
        )

        client.string_tokens.delete(str(token))
        line("delete the string token", "done")
    print("\nDemo finished.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
