"""Answers to exceptions, configuration and redaction (httpx.MockTransport, no sockets)."""

from __future__ import annotations

import logging
import sys
from typing import Any

import httpx
import pytest
from overlay_helpers import CHARGE_BODY, REFUND_BODY, REJECTED, SUCCESS, make_client, status

from conftest import CVV, PAN, TEST_KEY
from orchestra_api.models import OperationResult, ResultCode
from orchestra_payments import (
    APIStatusError,
    BadRequestError,
    ConfigurationError,
    GatewayError,
    GatewayRejectedError,
    Orchestra,
    OrchestraError,
    OutcomeUnknownError,
    RequestValidationError,
    UnexpectedResponseError,
)

HTML_502 = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"


def test_a_202_accepted_is_a_success_to_return() -> None:
    client, _, _ = make_client([status(202, {**SUCCESS, "operationResultCode": "Accepted"})])
    result = client.payment_gateway.charge(CHARGE_BODY)
    assert isinstance(result, OperationResult)
    assert result.operation_result_code is ResultCode.ACCEPTED
    assert result.amount == 10.0


def test_a_409_raises_gateway_rejected_with_the_gateways_codes() -> None:
    client, _, _ = make_client([status(409, REJECTED)])
    with pytest.raises(GatewayRejectedError) as info:
        client.payment_gateway.charge(CHARGE_BODY)
    err = info.value
    assert err.status_code == 409
    assert err.gateway_result_code == "05"
    assert err.gateway_result_description == "Do not honor"
    assert err.result is not None
    assert err.result.operation_result_code is ResultCode.REJECTED
    assert "05" in str(err)
    assert "Do not honor" in str(err)


@pytest.mark.parametrize("body", [None, b"", b"<html>conflict</html>", b'{"operation', b"[1]"])
def test_a_409_without_the_gateways_result_on_a_money_call_is_an_unknown_outcome(
    body: bytes | None,
) -> None:
    """Orchestra's 409 carries the gateway's OperationResult: one without it may come from a
    proxy that forwarded the void, so it is not read as a decline (which invites a resend)."""
    client, script, _ = make_client([status(409, body)])
    with pytest.raises(OutcomeUnknownError) as info:
        client.payment_gateway.void(REFUND_BODY)
    assert (info.value.status_code, info.value.ref_trans_id) == (409, "tx-1")
    assert len(script.requests) == 1


def test_a_400_carries_the_field_and_its_errors() -> None:
    body = {"fieldName": "card.cardNumber", "errors": ["The card number is invalid"]}
    client, _, _ = make_client([status(400, body)])
    with pytest.raises(BadRequestError) as info:
        client.payment_gateway.charge(CHARGE_BODY)
    assert info.value.field_name == "card.cardNumber"
    assert info.value.errors == ["The card number is invalid"]
    assert info.value.body == body
    assert "card.cardNumber" in str(info.value)


def test_a_500_on_a_money_call_is_an_unknown_outcome_and_not_retried() -> None:
    client, script, _ = make_client([status(500)])
    with pytest.raises(OutcomeUnknownError) as info:
        client.payment_gateway.capture(REFUND_BODY)
    assert (info.value.status_code, info.value.ref_trans_id) == (500, "tx-1")
    assert len(script.requests) == 1


def test_a_500_on_a_call_that_moves_no_money_is_a_gateway_error_and_not_retried() -> None:
    client, script, _ = make_client([status(500)])
    with pytest.raises(GatewayError):
        client.payment_gateway.status({"myRef": "order-123456"})
    assert len(script.requests) == 1


@pytest.mark.parametrize(
    ("code", "body", "why"),
    [
        (200, b"", "empty"),
        (200, HTML_502, "not JSON"),
        (202, b'{"operationResultCode": "Succ', "not JSON"),
        (200, b"[]", "not a JSON dict"),
        (200, b"null", "not a JSON dict"),
        (200, b'{"amount": 10}', "no operationResultCode"),
        (502, HTML_502, "from Orchestra or a proxy"),
        (200, b'{"operationResultCode": "x-unlisted-result"}', "unknown operationResultCode"),
    ],
)
def test_an_unusable_answer_to_a_money_operation_is_outcome_unknown(
    code: int, body: bytes, why: str
) -> None:
    client, script, _ = make_client([status(code, body)])
    with pytest.raises(OutcomeUnknownError) as info:
        client.payment_gateway.charge(CHARGE_BODY)
    assert why in str(info.value)
    assert info.value.status_code == code
    assert info.value.my_ref == "order-123456"
    assert len(script.requests) == 1


@pytest.mark.parametrize(
    ("code", "body"),
    [(200, b""), (200, HTML_502), (200, b'[{"name": "x"'), (200, b"{}"), (502, HTML_502)],
)
def test_an_unusable_answer_to_a_read_is_an_unexpected_response(code: int, body: bytes) -> None:
    client, _, _ = make_client([status(code, body)])
    with pytest.raises(UnexpectedResponseError) as info:
        client.payment_gateway.list_gateways()
    assert info.value.status_code == code
    assert len(info.value.excerpt) <= 200
    if body == HTML_502:
        assert "502 Bad Gateway" in info.value.excerpt


def test_a_2xx_whose_result_says_rejected_is_not_a_success() -> None:
    client, _, _ = make_client([status(200, REJECTED)])
    with pytest.raises(GatewayRejectedError) as info:
        client.payment_gateway.authorize(CHARGE_BODY)
    assert info.value.gateway_result_code == "05"


@pytest.mark.parametrize(
    ("code", "error"),
    # TemporaryFailure: the gateway may still complete it, as reconcile also reads the code.
    [("FatalFailure", GatewayError), ("TemporaryFailure", OutcomeUnknownError)],
)
def test_a_2xx_whose_result_is_a_failure_raises(code: str, error: type[Exception]) -> None:
    client, _, _ = make_client([status(200, {**SUCCESS, "operationResultCode": code})])
    with pytest.raises(error):
        client.payment_gateway.charge(CHARGE_BODY)


def test_status_returns_a_rejected_result_as_data() -> None:
    client, _, _ = make_client([status(200, REJECTED)])
    result = client.payment_gateway.status({"myRef": "order-123456"})
    assert result.operation_result_code is ResultCode.REJECTED


def test_a_body_that_does_not_fit_the_model_is_an_unexpected_response() -> None:
    client, _, _ = make_client([status(200, {"token": "t", "createTime": "not a date"})])
    with pytest.raises(UnexpectedResponseError, match="does not fit"):
        client.string_tokens.retrieve_meta("a" * 32)


def test_raw_access_keeps_status_headers_and_bytes() -> None:
    token = "b" * 32
    body = {"token": token, "createTime": "2026-11-23T10:00:00Z"}
    client, _, _ = make_client(
        [status(201, body, Location=f"https://api.orchestrasolutions.com/StringTokens/{token}")]
    )
    raw = client.with_raw_response.string_tokens.create({"payload": PAN})
    assert raw.status_code == 201
    assert raw.headers["Location"].endswith(f"/StringTokens/{token}")
    assert raw.parsed.token == token
    assert b'"token"' in raw.content
    assert PAN not in repr(raw)


def test_the_request_carries_the_key_and_the_json_body() -> None:
    client, script, _ = make_client([status(200, SUCCESS)])
    client.payment_gateway.charge(CHARGE_BODY)
    request = script.requests[0]
    assert request.method == "POST"
    assert request.url.path == "/PaymentGateway/charge"
    assert request.headers["X-Api-Key"] == TEST_KEY
    import json

    assert json.loads(request.content) == CHARGE_BODY


def test_default_timeouts_fit_a_gateway_and_a_call_can_override_them() -> None:
    client, script, _ = make_client([status(200, SUCCESS)])
    client.payment_gateway.charge(CHARGE_BODY)
    client.payment_gateway.charge(CHARGE_BODY, timeout=httpx.Timeout(2.0, read=90.0))
    first, second = (r.extensions["timeout"] for r in script.requests)
    assert first == {"connect": 5.0, "read": 60.0, "write": 10.0, "pool": 10.0}
    assert second["read"] == 90.0
    assert second["connect"] == 2.0


def test_a_client_wide_timeout_applies() -> None:
    client, script, _ = make_client([status(200, [])], timeout=3.0)
    client.gateway_accounts.list()
    assert script.requests[0].extensions["timeout"]["read"] == 3.0


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda c: c.payment_gateway.charge({"amount": 1, "currency": "USD"}), "card"),
        (lambda c: c.payment_gateway.charge([1, 2]), "body"),
        (
            lambda c: c.payment_gateway.charge(
                {"amount": 1, "currency": "USD", "card": {"cardNumber": "4242424242424242"}}
            ),
            "card.cardHolderName",
        ),
        (lambda c: c.payment_gateway.charge({"amount": 1, "currency": "USD", "card": "x"}), "card"),
        (lambda c: c.gateway_accounts.retrieve("../admin"), "name"),
        (lambda c: c.gateway_accounts.retrieve("ab"), "name"),
        (lambda c: c.string_tokens.retrieve("short"), "token"),
        (lambda c: c.string_tokens.delete(None), "token"),
        (lambda c: c.ewallet.validate_results(""), "body"),
    ],
)
def test_bad_input_is_a_clear_typed_error_and_nothing_is_sent(call: Any, field: str) -> None:
    client, script, _ = make_client([status(200, {})])
    with pytest.raises(RequestValidationError) as info:
        call(client)
    assert info.value.field == field
    assert field in str(info.value)
    assert script.requests == []


def test_every_error_is_an_orchestra_error() -> None:
    for cls in (
        BadRequestError,
        GatewayRejectedError,
        OutcomeUnknownError,
        ConfigurationError,
        UnexpectedResponseError,
        RequestValidationError,
    ):
        assert issubclass(cls, OrchestraError)
    assert issubclass(GatewayRejectedError, APIStatusError)


# --- configuration -------------------------------------------------------------------------


@pytest.fixture
def no_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("ORCHESTRA_API_KEY", "ORCHESTRA_BASE_URL", "ORCHESTRA_API_URL"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_a_missing_key_is_a_clear_error_at_construction(no_env: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigurationError, match="ORCHESTRA_API_KEY"):
        Orchestra()


def test_key_and_url_come_from_the_environment(no_env: pytest.MonkeyPatch) -> None:
    no_env.setenv("ORCHESTRA_API_KEY", TEST_KEY)
    no_env.setenv("ORCHESTRA_BASE_URL", "https://sandbox.example.test/")
    client = Orchestra()
    assert client.base_url == "https://sandbox.example.test"
    assert client.http_client.headers["X-Api-Key"] == TEST_KEY


def test_the_vendors_url_variable_is_accepted(no_env: pytest.MonkeyPatch) -> None:
    no_env.setenv("ORCHESTRA_API_KEY", TEST_KEY)
    no_env.setenv("ORCHESTRA_API_URL", "https://other.example.test")
    assert Orchestra().base_url == "https://other.example.test"


def test_disagreeing_url_variables_are_refused(no_env: pytest.MonkeyPatch) -> None:
    no_env.setenv("ORCHESTRA_API_KEY", TEST_KEY)
    no_env.setenv("ORCHESTRA_BASE_URL", "https://a.example.test")
    no_env.setenv("ORCHESTRA_API_URL", "https://b.example.test")
    with pytest.raises(ConfigurationError, match="disagree"):
        Orchestra()


def test_the_default_url_is_the_vendors(no_env: pytest.MonkeyPatch) -> None:
    assert Orchestra(api_key=TEST_KEY).base_url == "https://api.orchestrasolutions.com"


def test_arguments_win_over_the_environment(no_env: pytest.MonkeyPatch) -> None:
    no_env.setenv("ORCHESTRA_API_KEY", "env-key")
    client = Orchestra(api_key=TEST_KEY, base_url="https://c.example.test")
    assert client.http_client.headers["X-Api-Key"] == TEST_KEY
    assert client.base_url == "https://c.example.test"


@pytest.mark.parametrize(
    "url", ["http://api.orchestrasolutions.com", "http://10.0.0.5:8080", "http://example.test"]
)
def test_plain_http_to_a_remote_host_is_refused(url: str, no_env: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigurationError, match="plain http"):
        Orchestra(api_key=TEST_KEY, base_url=url)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8765", "http://localhost:9000", "http://[::1]:8765"]
)
def test_plain_http_to_loopback_is_allowed(url: str) -> None:
    assert Orchestra(api_key=TEST_KEY, base_url=url).base_url.startswith("http://")


@pytest.mark.parametrize("key", ["", "   ", "key with space", "key\n"])
def test_a_malformed_key_is_refused(key: str) -> None:
    with pytest.raises(ConfigurationError):
        Orchestra(api_key=key)


# --- redaction -----------------------------------------------------------------------------


def test_no_key_pan_or_cvv_in_debug_logs_or_exception_strings(
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    echo_400 = {"fieldName": "card.cardNumber", "errors": [f"{PAN} is not valid, cvv {CVV}"]}
    echo_html = f"<html>card {PAN} cvv={CVV} key {TEST_KEY}</html>".encode()
    failures: list[BaseException] = []
    steps_list: list[list[Any]] = [
        [status(400, echo_400)],
        [status(409, {**REJECTED, "gatewayResultDescription": f"Declined {PAN}"})],
        [status(503)],
        [status(502, echo_html)],
        [status(200, echo_html)],
        [httpx.ReadTimeout(f"timeout {PAN}")],
    ]
    with caplog.at_level(logging.DEBUG):
        for steps in steps_list:
            client, _, _ = make_client(steps)
            try:
                client.payment_gateway.charge(CHARGE_BODY)
            except OrchestraError as exc:
                failures.append(exc)
            try:
                client.gateway_accounts.retrieve("nullok")
            except OrchestraError as exc:
                failures.append(exc)
        client, _, _ = make_client([status(200, SUCCESS)])
        texts = [repr(client), str(client._settings), repr(client.low_level)]
    assert len(failures) == 12
    for failure in failures:
        texts += [str(failure), repr(failure), str(getattr(failure, "excerpt", ""))]
    texts += [r.getMessage() for r in caplog.records]
    texts += list(capsys.readouterr())
    blob = "\n".join(texts)
    assert caplog.records, "DEBUG logging captured nothing"
    assert PAN not in blob
    assert TEST_KEY not in blob
    assert f"cvv {CVV}" not in blob and f"cvv={CVV}" not in blob
    assert "****4242" in blob


def test_a_traceback_of_a_failed_charge_shows_no_card_number() -> None:
    import traceback

    client, _, _ = make_client([status(409, REJECTED)])
    try:
        client.payment_gateway.charge(CHARGE_BODY)
    except GatewayRejectedError:
        text = "".join(traceback.format_exception(*sys.exc_info()))
    assert "GatewayRejectedError" in text
    assert PAN not in text
