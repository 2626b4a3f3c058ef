"""Traces, metrics and hooks of every call, read back through the OpenTelemetry SDK's in-memory
exporters: a success, a decline, a retried 503, and a lost answer reconciled; both clients,
both backends, the sandbox; hostile inputs never reach an attribute, event or label."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from opentelemetry import metrics, trace
from opentelemetry.sdk.metrics import Counter, Histogram, MeterProvider
from opentelemetry.sdk.metrics.export import AggregationTemporality, InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode
from overlay_helpers import CHARGE_BODY, SUCCESS, make_async_client, make_client, status

from conftest import CVV, PAN, TEST_KEY, HttpBackend
from orchestra_payments import (
    AsyncOrchestra,
    GatewayRejectedError,
    HookEvent,
    Hooks,
    OutcomeUnknownError,
    RetryPolicy,
)
from orchestra_payments.testing import flush_hooks
from orchestra_sandbox import SandboxServer

SPANS = InMemorySpanExporter()
# Delta: each read holds what was measured since the one before (the fixture's read).
READER = InMemoryMetricReader(
    preferred_temporality={
        Counter: AggregationTemporality.DELTA,
        Histogram: AggregationTemporality.DELTA,
    }
)
_installed = False


@pytest.fixture(autouse=True)
def otel() -> Iterator[None]:
    """The SDK, configured once per process (OpenTelemetry allows one global provider)."""
    global _installed
    if not _installed:
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(SPANS))
        trace.set_tracer_provider(provider)
        metrics.set_meter_provider(MeterProvider(metric_readers=[READER]))
        _installed = True
    SPANS.clear()
    READER.get_metrics_data()  # reset the cumulative view's baseline
    yield


def spans() -> list[ReadableSpan]:
    return list(SPANS.get_finished_spans())


def only(name: str) -> ReadableSpan:
    found = [s for s in spans() if s.name == name]
    assert len(found) == 1, [s.name for s in spans()]
    return found[0]


def collect() -> dict[str, list[tuple[dict[str, Any], float]]]:
    """Each metric's data points since the last read, as (labels, value): sums their count,
    histograms how many calls."""
    data = READER.get_metrics_data()
    out: dict[str, list[tuple[dict[str, Any], float]]] = {}
    for resource in data.resource_metrics if data else []:
        for scope in resource.scope_metrics:
            for m in scope.metrics:
                for point in m.data.data_points:
                    value: Any = getattr(point, "value", None) or getattr(point, "count", 0)
                    out.setdefault(m.name, []).append((dict(point.attributes or {}), value))
    return out


class Recorder(Hooks):
    def __init__(self) -> None:
        self.events: list[HookEvent] = []

    def on_request(self, event: HookEvent) -> None:
        self.events.append(event)

    on_response = on_retry = on_success = on_error = on_outcome_unknown = on_reconciled = on_request


def kinds(recorder: Recorder) -> list[str]:
    assert flush_hooks(5.0)
    return [e.kind for e in recorder.events]


def test_a_charge_is_one_client_span_with_its_try_its_result_and_a_duration() -> None:
    recorder = Recorder()
    client, _, _ = make_client([status(200, SUCCESS)], hooks=[recorder])
    client.payment_gateway.charge(CHARGE_BODY)
    span = only("GatewayCharge")
    assert span.kind is SpanKind.CLIENT
    assert span.status.status_code is StatusCode.UNSET
    attributes = dict(span.attributes or {})
    assert attributes["orchestra.operation"] == "GatewayCharge"
    assert attributes["orchestra.money_moving"] is True
    assert attributes["orchestra.attempts"] == 1
    assert attributes["orchestra.result_code"] == "Success"
    assert attributes["orchestra.my_ref"] == CHARGE_BODY["myRef"]
    assert attributes["http.request.method"] == "POST"
    assert attributes["http.response.status_code"] == 200
    assert attributes["url.template"] == "/PaymentGateway/charge"
    assert [e.name for e in span.events] == ["orchestra.try", "orchestra.answer"]
    [(labels, count)] = collect()["orchestra.client.call.duration"]
    assert (labels["orchestra.outcome"], count) == ("success", 1)
    assert kinds(recorder) == ["request", "response", "success"]
    assert recorder.events[-1].result_code == "Success"


def test_a_decline_is_an_error_span_and_a_declined_outcome() -> None:
    declined = {**SUCCESS, "operationResultCode": "Rejected", "gatewayResultCode": "05"}
    recorder = Recorder()
    client, _, _ = make_client([status(409, declined)], hooks=[recorder])
    with pytest.raises(GatewayRejectedError):
        client.payment_gateway.charge(CHARGE_BODY)
    span = only("GatewayCharge")
    assert span.status.status_code is StatusCode.ERROR
    assert (span.attributes or {})["error.type"] == "GatewayRejectedError"
    assert (span.attributes or {})["orchestra.gateway_result_code"] == "05"
    [(labels, _)] = collect()["orchestra.client.call.duration"]
    assert labels["orchestra.outcome"] == "declined"
    assert kinds(recorder) == ["request", "response", "error"]
    assert recorder.events[-1].error == "GatewayRejectedError"


def test_a_retried_503_is_two_tries_in_one_span_and_a_counted_retry() -> None:
    recorder = Recorder()
    client, _, _ = make_client([status(503), status(200, [])], hooks=[recorder])
    client.payment_gateway.list_gateways()
    span = only("GatewayList")
    assert (span.attributes or {})["orchestra.attempts"] == 2
    assert [e.name for e in span.events] == [
        "orchestra.try",
        "orchestra.answer",
        "orchestra.retry",
        "orchestra.try",
        "orchestra.answer",
    ]
    [(labels, count)] = collect()["orchestra.client.retries"]
    assert (labels["orchestra.operation"], labels["reason"], count) == ("GatewayList", "503", 1)
    assert kinds(recorder) == ["request", "response", "retry", "request", "response", "success"]


def test_a_lost_answer_reconciled_is_a_reconcile_span_linked_to_the_lost_call() -> None:
    recorder = Recorder()
    client, _, _ = make_client([httpx.ReadTimeout("slow"), status(200, SUCCESS)], hooks=[recorder])
    with pytest.raises(OutcomeUnknownError) as lost:
        client.payment_gateway.charge(CHARGE_BODY)
    outcome = client.payment_gateway.reconcile(lost.value, wait=2)
    assert outcome.verdict == "succeeded"
    charge, reconcile, lookup = (
        only("GatewayCharge"),
        only("reconcile GatewayCharge"),
        only("GatewayStatus"),
    )
    assert (charge.attributes or {})["orchestra.outcome_unknown"] is True
    assert charge.status.status_code is StatusCode.ERROR
    assert [link.context.span_id for link in reconcile.links] == [charge.context.span_id]
    assert (reconcile.attributes or {})["orchestra.reconcile.verdict"] == "succeeded"
    assert lookup.parent is not None and lookup.parent.span_id == reconcile.context.span_id
    collected = collect()
    [(labels, count)] = collected["orchestra.client.outcome_unknown"]
    assert (labels["orchestra.operation"], count) == ("GatewayCharge", 1)
    verdicts = collected["orchestra.client.reconcile.verdicts"]
    assert [(v["orchestra.reconcile.verdict"], n) for v, n in verdicts] == [("succeeded", 1)]
    assert "outcome_unknown" in kinds(recorder)
    assert recorder.events[-1].kind == "reconciled"
    assert recorder.events[-1].verdict == "succeeded"


async def test_the_async_client_traces_alike() -> None:
    client, _, _ = make_async_client([status(503), status(200, [])])
    await client.payment_gateway.list_gateways()
    assert (only("GatewayList").attributes or {})["orchestra.attempts"] == 2


async def test_a_charge_on_the_sandbox_over_each_backend_is_traced(
    orchestra_sandbox: SandboxServer, http_backend: HttpBackend
) -> None:
    async with AsyncOrchestra(
        api_key=orchestra_sandbox.api_key,
        base_url=orchestra_sandbox.base_url,
        http_backend=http_backend,
    ) as client:
        await client.gateway_accounts.set("nullok", {"paymentGatewayName": "NULLSuccess"})
        body: Any = {**CHARGE_BODY, "paymentGatewayAccountName": "nullok"}
        await client.payment_gateway.charge(body)
    span = only("GatewayCharge")
    assert (span.attributes or {})["orchestra.result_code"] == "Success"
    assert (span.attributes or {})["orchestra.gateway_account"] == "nullok"
    assert (span.attributes or {})["server.address"] == "127.0.0.1"


def test_no_secret_reaches_a_span_an_event_a_label_or_a_hook() -> None:
    """A myRef and an account name that hold a card number and a CVV, a gateway that echoes
    them, a string token's id in the URL: none of it in what the telemetry shows."""
    hostile: Any = {
        **CHARGE_BODY,
        "myRef": f"order {PAN} cvv {CVV}",
        "paymentGatewayAccountName": f"acct-{PAN}",
    }
    echo = {**SUCCESS, "gatewayResultCode": f"{PAN}", "gatewayResultDescription": f"cvv {CVV}"}
    recorder = Recorder()
    token = "a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6"
    client, _, _ = make_client(
        [status(200, echo), status(200, {"token": token, "payload": PAN})], hooks=[recorder]
    )
    client.payment_gateway.charge(hostile)
    client.string_tokens.retrieve(token)
    assert flush_hooks(5.0)
    shown = [
        repr(dict(s.attributes or {}))
        + repr([(e.name, dict(e.attributes or {})) for e in s.events])
        + s.name
        for s in spans()
    ]
    data = READER.get_metrics_data()
    shown.append(repr(data.to_json() if data else ""))
    shown += [repr(e) for e in recorder.events]
    for text in shown:
        assert PAN not in text and PAN[-12:] not in text, text
        assert f"cvv {CVV}" not in text, text
        assert TEST_KEY not in text and token not in text, text


def test_a_hook_that_raises_or_hangs_never_breaks_or_holds_a_payment(
    caplog: pytest.LogCaptureFixture,
) -> None:
    release = threading.Event()

    class Raises(Hooks):
        def on_success(self, event: HookEvent) -> None:
            raise RuntimeError("a broken hook")

    class Hangs(Hooks):
        def on_request(self, event: HookEvent) -> None:
            release.wait(30)

    client, _, _ = make_client(
        [status(200, SUCCESS), status(200, SUCCESS)], hooks=[Hangs(), Raises()]
    )
    first = client.payment_gateway.charge(CHARGE_BODY)
    second = client.payment_gateway.charge(CHARGE_BODY)  # the hook thread is still stuck
    assert (first.gateway_reference, second.gateway_reference) == ("ref-1", "ref-1")
    release.set()
    assert flush_hooks(5.0)
    assert any("Raises.on_success raised" in r.getMessage() for r in caplog.records)


def test_without_tracing_a_client_makes_no_span() -> None:
    client, _, _ = make_client([status(200, SUCCESS)], tracing=False)
    client.payment_gateway.charge(CHARGE_BODY)
    assert spans() == []


def test_retry_policy_is_unchanged_by_hooks() -> None:
    client, script, _ = make_client(
        [status(503), status(503)], hooks=[Recorder()], retry=RetryPolicy(attempts=2)
    )
    with pytest.raises(Exception, match="503"):
        client.gateway_accounts.list()
    assert len(script.requests) == 2


async def test_a_money_call_cancelled_in_flight_counts_as_an_unknown_outcome() -> None:
    """The charge may have reached the gateway: the hooks and the metrics say so."""
    import asyncio

    recorder = Recorder()
    started = asyncio.Event()

    async def slow(request: httpx.Request) -> httpx.Response:
        started.set()
        await asyncio.sleep(30)
        return status(200, SUCCESS)

    client = AsyncOrchestra(
        api_key=TEST_KEY,
        base_url="https://api.orchestrasolutions.com",
        transport=httpx.MockTransport(slow),
        hooks=[recorder],
    )
    task = asyncio.create_task(client.payment_gateway.charge(CHARGE_BODY))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert kinds(recorder)[-2:] == ["error", "outcome_unknown"]
    [(_, count)] = collect()["orchestra.client.outcome_unknown"]
    assert count == 1
    assert (only("GatewayCharge").attributes or {})["orchestra.outcome_unknown"] is True


def test_a_lookup_that_finds_nothing_is_not_counted_as_a_decline() -> None:
    client, _, _ = make_client([status(409, {**SUCCESS, "operationResultCode": "Rejected"})])
    with pytest.raises(Exception, match="no such transaction"):
        client.payment_gateway.status({"myRef": "order-1", "paymentGatewayAccountName": "a1"})
    [(labels, _)] = collect()["orchestra.client.call.duration"]
    assert labels["orchestra.outcome"] == "not_found"


def test_hooks_that_are_not_hooks_are_refused_at_construction() -> None:
    from orchestra_payments import ConfigurationError

    with pytest.raises(ConfigurationError, match="list of Hooks"):
        make_client([], hooks=Recorder())
    with pytest.raises(ConfigurationError, match="list of Hooks"):
        make_client([], hooks=[object()])


def run_script(code: str) -> str:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


PRELUDE = """
import httpx, os, sys
from orchestra_payments import Hooks, Orchestra
from orchestra_payments.testing import flush_hooks
seen = []
class Seen(Hooks):
    def on_success(self, event):
        seen.append(event.operation)
def client(hooks):
    answer = lambda request: httpx.Response(200, json=[])
    return Orchestra(api_key="k", transport=httpx.MockTransport(answer), hooks=hooks)
"""


def test_hooks_are_delivered_in_a_forked_child() -> None:
    out = run_script(
        PRELUDE
        + """
client([Seen()]).payment_gateway.list_gateways()
flush_hooks(5)
pid = os.fork()
if pid == 0:
    client([Seen()]).payment_gateway.list_gateways()
    os._exit(0 if flush_hooks(5) and seen == ["GatewayList", "GatewayList"] else 1)
_, code = os.waitpid(pid, 0)
print(os.waitstatus_to_exitcode(code))
"""
    )
    assert out == "0"


def test_a_hook_that_exits_does_not_stop_the_others() -> None:
    out = run_script(
        PRELUDE
        + """
class Exits(Hooks):
    def on_success(self, event):
        sys.exit(1)
client([Exits()]).payment_gateway.list_gateways()
client([Seen()]).payment_gateway.list_gateways()
print(flush_hooks(5), seen)
"""
    )
    assert out == "True ['GatewayList']"


def test_events_queued_at_exit_are_delivered() -> None:
    out = run_script(
        PRELUDE
        + """
import time
class Slow(Hooks):
    def on_success(self, event):
        time.sleep(0.2)
        print("delivered", event.operation, flush=True)
client([Slow()]).payment_gateway.list_gateways()
"""
    )
    assert out == "delivered GatewayList"
