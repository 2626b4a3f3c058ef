"""The facade: typed request bodies checked by name, per-call and per-client options."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from overlay_helpers import CHARGE_BODY, SUCCESS, make_async_client, make_client, status

from conftest import ROOT, TEST_KEY
from orchestra_api.models import ChargeRequest, OperationResult
from orchestra_payments import (
    APITimeoutError,
    ConfigurationError,
    Orchestra,
    RequestValidationError,
    RetryPolicy,
)
from orchestra_payments._generated_operations import OPERATIONS
from orchestra_payments.params import CardParams, ChargeParams, StatusParams
from orchestra_payments.testing import use_clock


def _charge_with(**changes: Any) -> Any:
    body: dict[str, Any] = {**CHARGE_BODY, **changes}
    return body


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (_charge_with(myref="order-1"), "myref: unknown field, did you mean myRef?"),
        (_charge_with(amuont=1.0), "amuont: unknown field, did you mean amount?"),
        (
            _charge_with(card={**CHARGE_BODY["card"], "CVV": "123"}),
            "card.CVV: unknown field, did you mean card.cvv?",
        ),
        (
            _charge_with(paymentGatewayAccount={"credentials": [{"key": "k", "vale": "v"}]}),
            "paymentGatewayAccount.credentials[0].vale: unknown field, "
            "did you mean paymentGatewayAccount.credentials[0].value?",
        ),
    ],
)
def test_an_unknown_key_is_named_with_the_closest_valid_one_and_nothing_is_sent(
    body: Any, message: str
) -> None:
    client, script, _ = make_client([status(202, SUCCESS)])
    with pytest.raises(RequestValidationError) as info:
        client.payment_gateway.charge(body)
    assert str(info.value) == message
    assert script.requests == []


def test_a_key_nothing_resembles_lists_the_valid_ones() -> None:
    client, _, _ = make_client([status(202, SUCCESS)])
    with pytest.raises(RequestValidationError) as info:
        client.payment_gateway.status({"zzzzzz": "1"})  # type: ignore[arg-type]
    assert info.value.field == "zzzzzz"
    assert "valid: certificateName, myRef" in str(info.value)


def test_a_typed_dict_body_is_sent_as_given_and_not_changed() -> None:
    client, script, _ = make_client([status(202, SUCCESS)])
    card: CardParams = {
        "cardHolderName": "Jane Doe",
        "cardNumber": "4242424242424242",
        "expirationMonth": 12,
        "expirationYear": 2030,
    }
    body: ChargeParams = {"amount": 10.0, "currency": "USD", "myRef": "order-1", "card": card}
    before = json.dumps(body)
    client.payment_gateway.charge(body)
    assert json.loads(script.requests[0].content) == body
    assert json.dumps(body) == before


def test_a_parsed_result_has_none_for_absent_fields_and_no_sentinel_in_its_repr() -> None:
    client, _, _ = make_client([status(202, {"operationResultCode": "Success"})])
    result = client.payment_gateway.status({"myRef": "order-1"})
    assert result.gateway_reference is None
    assert result.to_dict() == {"operationResultCode": "Success"}
    assert "Unset" not in repr(result)


def test_a_model_body_is_sent_as_its_to_dict() -> None:
    client, script, _ = make_client([status(202, SUCCESS)])
    model = ChargeRequest.from_dict(CHARGE_BODY)
    client.payment_gateway.charge(model)
    assert json.loads(script.requests[0].content) == model.to_dict()


def test_a_misspelt_key_fails_the_type_checker() -> None:
    """`make typecheck` runs mypy --strict on this file with warn_unused_ignores: each ignore
    below must be needed, so a misspelt or wrongly typed key stays a type error."""
    client, script, _ = make_client([status(202, SUCCESS)])
    with pytest.raises(RequestValidationError, match="did you mean myRef"):
        client.payment_gateway.status({"myref": "order-1"})  # type: ignore[arg-type]
    assert script.requests == []


if TYPE_CHECKING:
    # `make typecheck` must report each of these (mypy --strict warns about an unneeded
    # ignore): were a misspelt, wrongly typed or missing key accepted, it would fail.
    MISSPELT: StatusParams = {"myref": "order-1"}  # type: ignore[typeddict-unknown-key]
    WRONG_TYPE: StatusParams = {"myRef": 1234567}  # type: ignore[typeddict-item]
    NESTED_MISSPELT: CardParams = {  # type: ignore[typeddict-unknown-key]
        "cardHolderName": "Jane Doe",
        "cardNumber": "4242424242424242",
        "expirationMonth": 12,
        "expirationYear": 2030,
        "cvc": "123",
    }
    MISSING: ChargeParams = {"amount": 1.0, "currency": "USD"}  # type: ignore[typeddict-item]

    def _options(client: Orchestra) -> None:
        client.gateway_accounts.list(tmeout=3.0)  # type: ignore[call-arg]
        client.gateway_accounts.list(retry=3)  # type: ignore[arg-type]
        client.gateway_accounts.list(timeout=3.0, retry=RetryPolicy(), extra_headers={"X": "y"})

    def _reference(result: OperationResult) -> str | None:
        # An absent optional field is None, typed so: no sentinel type to strip.
        ref: str | None = result.gateway_reference
        return ref


# --- per-call options ----------------------------------------------------------------------


def test_extra_headers_reach_the_request_and_the_key_is_still_sent() -> None:
    client, script, _ = make_client([status(200, [])])
    client.gateway_accounts.list(extra_headers={"X-Trace": "t-1"})
    sent = script.requests[0].headers
    assert sent["X-Trace"] == "t-1"
    assert sent["X-Api-Key"]


def test_a_per_call_retry_policy_replaces_the_clients() -> None:
    client, script, clock = make_client([status(503)])
    with pytest.raises(Exception, match="503"):
        client.gateway_accounts.list(retry=RetryPolicy(attempts=2, wait_jitter=0))
    assert len(script.requests) == 2
    assert clock.sleeps == [1.0]


def read_timeouts(answer: httpx.Response, seen: list[float]) -> Any:
    """A step that notes each try's read timeout (the request object is the same each try)."""

    def step(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"]["read"])
        return httpx.Response(answer.status_code, content=answer.content, request=request)

    return step


def test_a_per_call_timeout_is_the_budget_of_the_whole_call() -> None:
    """Three 503s would take 1 + 2 s of waits; a 2.5 s budget allows the first wait only,
    and each try's network timeouts are capped by what is left."""
    seen: list[float] = []
    client, script, clock = make_client([read_timeouts(status(503), seen)])
    with pytest.raises(Exception, match="503"):
        client.gateway_accounts.list(timeout=2.5)
    assert clock.sleeps == [1.0]
    assert len(script.requests) == 2
    assert seen == [2.5, 1.5]


def test_the_shorter_of_timeout_and_deadline_is_the_budget() -> None:
    seen: list[float] = []
    client, _, clock = make_client([read_timeouts(status(503), seen)])
    with pytest.raises(Exception, match="503"):
        client.gateway_accounts.list(timeout=30.0, deadline=2.5)
    assert seen == [2.5, 1.5]
    assert clock.sleeps == [1.0]


@pytest.mark.parametrize("option", ["timeout", "deadline"])
@pytest.mark.parametrize("bad", [0, -1.0, float("nan"), float("inf"), True])
def test_a_budget_that_is_not_a_positive_number_is_refused_before_sending(
    option: str, bad: Any
) -> None:
    client, script, _ = make_client([status(200, [])])
    with pytest.raises(RequestValidationError, match=option) as info:
        client.gateway_accounts.list(**{option: bad})
    assert info.value.field == option
    assert script.requests == []


def test_a_budget_spent_before_a_try_ends_the_call_unsent() -> None:
    """A wait that would end past the budget is not taken; were the clock already past it
    (a slow caller between tries), the next try is not sent."""
    client, script, clock = make_client([status(503)])

    def late_sleep(seconds: float) -> None:
        clock.sleeps.append(seconds)
        clock.now += seconds + 5.0  # the process was descheduled past the budget

    use_clock(client, sleep=late_sleep)
    with pytest.raises(APITimeoutError, match="time budget"):
        client.gateway_accounts.list(timeout=3.0)
    assert len(script.requests) == 1


def test_an_httpx_timeout_applies_to_each_try() -> None:
    client, script, _ = make_client([status(200, [])])
    client.gateway_accounts.list(timeout=httpx.Timeout(7.0))
    assert script.requests[0].extensions["timeout"]["read"] == 7.0


async def test_async_calls_take_the_same_options() -> None:
    client, script, clock = make_async_client([status(503)])
    with pytest.raises(Exception, match="503"):
        await client.gateway_accounts.list(
            timeout=2.5, extra_headers={"X-Trace": "t-2"}, retry=RetryPolicy(wait_jitter=0)
        )
    assert clock.sleeps == [1.0]
    assert script.requests[0].headers["X-Trace"] == "t-2"
    await client.aclose()


# --- with_options ---------------------------------------------------------------------------


def test_with_options_shares_the_pool_and_keeps_the_original_unchanged() -> None:
    client, script, _ = make_client([status(200, [])])
    tagged = client.with_options(headers={"X-Team": "payments"}, retry=RetryPolicy(attempts=1))
    assert tagged.http_client is client.http_client
    tagged.gateway_accounts.list()
    client.gateway_accounts.list()
    assert script.requests[0].headers["X-Team"] == "payments"
    assert "X-Team" not in script.requests[1].headers


def test_a_with_options_copy_outlives_its_client_and_still_hides_the_key() -> None:
    import gc

    from orchestra_payments._redact import redact_text

    client, script, _ = make_client([status(200, [])])
    copy = client.with_options(headers={"X-Team": "payments"})
    key = client._settings.api_key
    del client
    gc.collect()
    assert copy.gateway_accounts.list() == []
    assert copy.payment_gateway._client is copy
    assert key not in redact_text(f"echo {key}")
    assert script.requests[0].headers["X-Team"] == "payments"


def test_with_options_retry_and_timeout_apply_to_its_calls() -> None:
    seen: list[float] = []
    client, script, clock = make_client([read_timeouts(status(503), seen)])
    quick = client.with_options(retry=RetryPolicy(attempts=2, wait_jitter=0), timeout=30.0)
    with pytest.raises(Exception, match="503"):
        quick.gateway_accounts.list()
    assert len(script.requests) == 2
    assert seen == [30.0, 29.0]
    assert clock.sleeps == [1.0]


async def test_async_with_options_shares_the_pool() -> None:
    client, script, _ = make_async_client([status(200, [])])
    tagged = client.with_options(headers={"X-Team": "payments"})
    assert tagged.http_client is client.http_client
    await tagged.gateway_accounts.list()
    await client.gateway_accounts.list()
    assert script.requests[0].headers["X-Team"] == "payments"
    assert "X-Team" not in script.requests[1].headers
    await client.aclose()


def test_with_options_refuses_a_header_that_cannot_go_on_the_wire() -> None:
    client, _, _ = make_client([status(200, [])])
    with pytest.raises(ConfigurationError, match="X-Team"):
        client.with_options(headers={"X-Team": "a\nb"})


def test_per_call_options_win_over_with_options() -> None:
    client, script, _ = make_client([status(200, [])])
    tagged = client.with_options(headers={"X-Team": "a"})
    tagged.gateway_accounts.list(extra_headers={"X-Team": "b"})
    assert script.requests[0].headers["X-Team"] == "b"


def test_the_facade_is_generated_and_says_so() -> None:
    overlay = ROOT / "overlays" / "orchestra_payments"
    for name in ("_generated_facade.py", "_generated_params.py"):
        assert "GENERATED by `make generate`" in (overlay / name).read_text()
    # One way each request is built: the generated endpoint's _get_kwargs, for every method of
    # both flavours; no hand-written module builds one.
    facade = (overlay / "_generated_facade.py").read_text()
    assert facade.count("_get_kwargs(") == 2 * len(OPERATIONS)
    for path in overlay.glob("*.py"):
        if not path.name.startswith("_generated"):
            assert "_get_kwargs" not in path.read_text(), path.name


def test_the_version_is_written_once_and_sent_in_the_user_agent() -> None:
    import tomllib

    import orchestra_payments
    import orchestra_sandbox

    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert orchestra_payments.__version__ == version
    assert orchestra_sandbox.__version__ == version
    client, script, _ = make_client([status(200, [])])
    client.gateway_accounts.list()
    assert script.requests[0].headers["User-Agent"] == f"orchestra-payments-python/{version}"
    sources = [p for p in (ROOT / "overlays").rglob("*.py") if f'"{version}"' in p.read_text()]
    assert sources == []


# --- a spec that gains parameters -----------------------------------------------------------


def test_a_new_optional_header_and_query_parameter_become_keyword_arguments(
    tmp_path: Path, vendor_spec: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Render the facade from a spec whose charge gained an optional header and query
    parameter, load it beside the real one, and call it."""
    import importlib.util

    from facade import render_all
    from generate import CONFIG, run_generator
    from specpatch import apply_patches, load_patches

    spec, _ = apply_patches(copy.deepcopy(vendor_spec), load_patches(ROOT / "openapi/patches.json"))
    spec["paths"]["/PaymentGateway/charge"]["post"]["parameters"] = [
        {"name": "X-Request-Id", "in": "header", "schema": {"type": "string"}},
        {"name": "dryRun", "in": "query", "schema": {"type": "boolean"}},
    ]
    text = render_all(spec, ROOT / "openapi/operations.yaml", CONFIG)["_generated_facade.py"]
    # The request is built by the variant's generated endpoint, as the facade's always is.
    endpoint_name = "orchestra_api.api.payment_gateway.gateway_charge"
    generated = run_generator(spec, tmp_path)
    endpoint_spec = importlib.util.spec_from_file_location(
        endpoint_name, generated / "api" / "payment_gateway" / "gateway_charge.py"
    )
    assert endpoint_spec is not None and endpoint_spec.loader is not None
    endpoint = importlib.util.module_from_spec(endpoint_spec)
    endpoint_spec.loader.exec_module(endpoint)
    monkeypatch.setitem(sys.modules, endpoint_name, endpoint)
    path = tmp_path / "_variant_facade.py"
    path.write_text(text)
    module_spec = importlib.util.spec_from_file_location("orchestra_payments._variant", path)
    assert module_spec is not None and module_spec.loader is not None
    variant = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(variant)

    client, script, _ = make_client([status(202, SUCCESS)])
    resources = variant.Resources()
    resources._facade_client = client
    result = resources.payment_gateway.charge(CHARGE_BODY, x_request_id="req-9", dry_run=True)
    assert result.gateway_reference == SUCCESS["gatewayReference"]
    sent = script.requests[0]
    assert sent.headers["X-Request-Id"] == "req-9"
    assert sent.url.params["dryRun"] == "true"
    resources.payment_gateway.charge(CHARGE_BODY)
    assert "X-Request-Id" not in script.requests[1].headers
    assert "dryRun" not in script.requests[1].url.params


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"paymentGatewayName": "x", "credentials": "k=v"}, "credentials"),
        ({"paymentGatewayName": "x", "credentials": ["k=v"]}, "credentials[0]"),
        (
            {"paymentGatewayName": "x", "credentials": [{"key": "k"}, {"kye": "v"}]},
            "credentials[1].kye",
        ),
    ],
)
def test_lists_of_objects_are_checked_item_by_item(body: Any, field: str) -> None:
    client, script, _ = make_client([status(200, {})])
    with pytest.raises(RequestValidationError) as info:
        client.gateway_accounts.set("acct1", body)
    assert info.value.field == field
    assert script.requests == []


def test_help_shows_what_a_call_returns() -> None:
    import inspect
    import pydoc

    client, _, _ = make_client([status(200, [])])
    assert inspect.signature(client.payment_gateway.charge).return_annotation == "OperationResult"
    shown = pydoc.render_doc(client.payment_gateway.charge, renderer=pydoc.TextDoc())
    assert "-> 'OperationResult'" in shown
    raw = client.with_raw_response.payment_gateway.charge
    assert inspect.signature(raw).return_annotation == "ApiResponse[OperationResult]"


def test_both_clients_show_every_argument_and_reconcile_its_lookups() -> None:
    import inspect
    import pydoc

    from orchestra_payments import AsyncOrchestra, Orchestra

    expected = {"api_key", "base_url", "timeout", "retry", "transport", "limits", "proxy"}
    for client_type in (Orchestra, AsyncOrchestra):
        assert expected <= set(inspect.signature(client_type).parameters)
        assert "http_backend" in inspect.signature(client_type).parameters
    sync_client, _, _ = make_client([status(200, [])])
    async_client = AsyncOrchestra(api_key=TEST_KEY)
    sync_reconcile = inspect.signature(sync_client.payment_gateway.reconcile)
    async_reconcile = inspect.signature(async_client.payment_gateway.reconcile)
    assert list(async_reconcile.parameters) == list(sync_reconcile.parameters)
    assert "my_ref" in async_reconcile.parameters
    assert async_reconcile.return_annotation == "Reconciliation"
    shown = pydoc.plain(pydoc.render_doc(async_client.payment_gateway.reconcile))
    assert "ref_trans_id: 'str | None' = None" in shown and "same arguments" in shown


def test_the_sync_client_refuses_the_async_only_backend() -> None:
    from orchestra_payments import ConfigurationError, Orchestra

    with pytest.raises(ConfigurationError, match="is for AsyncOrchestra"):
        Orchestra(api_key=TEST_KEY, http_backend="aiohttp")


def test_async_reconcile_takes_the_same_arguments_as_the_sync_one() -> None:
    import asyncio

    from orchestra_payments import AsyncOrchestra, RequestValidationError

    async def main() -> None:
        async with AsyncOrchestra(api_key=TEST_KEY) as client:
            with pytest.raises(RequestValidationError):
                await client.payment_gateway.reconcile()  # nothing to look it up by
            with pytest.raises(TypeError, match="my_reff"):
                await client.payment_gateway.reconcile(my_reff="x")  # type: ignore[call-arg]

    asyncio.run(main())
