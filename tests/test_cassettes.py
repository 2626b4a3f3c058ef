"""Every operation x documented outcome, through the public client, replayed from cassettes.

Replay (the default, record mode ``none``) needs no network, no sandbox and no key: the client
talks to a host that does not exist and vcrpy answers from ``tests/cassettes/test_cassettes/``.
A missing cassette fails its test. ``make record`` re-records every cassette against a fresh
sandbox, or against the real API with `make record LIVE=1` and ORCHESTRA_API_KEY
(+ ORCHESTRA_BASE_URL).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from cassette_support import (
    RECORDED_AGAINST,
    STABLE_ORIGIN,
    before_record_request,
    before_record_response,
)

from conftest import PAN
from orchestra_api.models import OperationResult, ResultCode
from orchestra_payments import (
    AsyncOrchestra,
    AuthenticationError,
    BadRequestError,
    GatewayRejectedError,
    GatewayUnavailableError,
    NotFoundError,
    Orchestra,
    OutcomeUnknownError,
    RetryPolicy,
    TransactionNotFoundError,
)
from orchestra_payments.params import CardParams, KeyValueParams
from orchestra_payments.testing import use_clock

pytestmark = pytest.mark.vcr

CARD: CardParams = {
    "cardHolderName": "Jane Doe",
    "cardNumber": PAN,
    "expirationMonth": 12,
    "expirationYear": 2030,
    "cvv": "737",
}
RETRY = RetryPolicy(attempts=3, wait_jitter=0)


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    return {
        "serializer": "yaml",
        "match_on": ["method", "path", "query", "json_body"],
        "before_record_request": before_record_request,
        "before_record_response": before_record_response,
        "decode_compressed_response": True,
        "allow_playback_repeats": False,
    }


@dataclass
class Live:
    """The client under test and what the target allows."""

    client: Orchestra
    key: str
    base_url: str
    inject: Callable[..., None]
    real_api: bool = False

    def other_key(self) -> Orchestra:
        return use_clock(
            Orchestra(api_key="not-a-valid-key", base_url=self.base_url, retry=RETRY),
            sleep=lambda s: None,
        )

    def async_client(self) -> AsyncOrchestra:
        async def no_wait(seconds: float) -> None:
            return None

        return use_clock(
            AsyncOrchestra(api_key=self.key, base_url=self.base_url, retry=RETRY), sleep=no_wait
        )


def _record_live() -> bool:
    """Recording reaches the real API only when asked for (``make record LIVE=1``) with a key:
    a key merely set in the shell never sends traffic to a user's account."""
    return os.environ.get("ORCHESTRA_RECORD_LIVE") == "1" and bool(
        os.environ.get("ORCHESTRA_API_KEY")
    )


@pytest.fixture
def live(request: pytest.FixtureRequest, record_mode: str) -> Iterator[Live]:
    def no_faults(*args: Any, **kwargs: Any) -> None:
        return None

    if record_mode == "none":
        key, base_url, inject = "replayed-key", STABLE_ORIGIN, no_faults
    elif _record_live():
        key = os.environ["ORCHESTRA_API_KEY"]
        base_url = os.environ.get("ORCHESTRA_BASE_URL", "https://api.orchestrasolutions.com")
        RECORDED_AGAINST["target"] = base_url

        def inject(*args: Any, **kwargs: Any) -> None:
            pytest.skip("faults can only be injected into the sandbox")
    else:
        import orchestra_sandbox

        server = request.getfixturevalue("orchestra_sandbox")
        key, base_url, inject = server.api_key, server.base_url, server.app.inject
        RECORDED_AGAINST["target"] = f"orchestra-sandbox {orchestra_sandbox.__version__}"
    with use_clock(
        Orchestra(api_key=key, base_url=base_url, retry=RETRY), sleep=lambda s: None
    ) as client:
        yield Live(
            client,
            key,
            base_url,
            inject,
            real_api=inject is not no_faults and record_mode != "none" and _record_live(),
        )


def accounts(live: Live) -> None:
    live.client.gateway_accounts.set("nullok", {"paymentGatewayName": "NULLSuccess"})
    live.client.gateway_accounts.set("nullko", {"paymentGatewayName": "NULLFailure"})


def pay(account: str = "nullok", **over: Any) -> Any:
    return {
        "amount": 25.0,
        "currency": "USD",
        "myRef": "cassette-0001",
        "paymentGatewayAccountName": account,
        "card": CARD,
        **over,
    }


# --- charge and authorize -------------------------------------------------------------------

PAY_OPS = ["charge", "authorize"]


def call_pay(live: Live, op: str, body: dict[str, Any]) -> OperationResult:
    result: OperationResult = getattr(live.client.payment_gateway, op)(body)
    return result


@pytest.mark.parametrize("op", PAY_OPS)
def test_pay_success(live: Live, op: str) -> None:
    accounts(live)
    result = call_pay(live, op, pay())
    assert result.operation_result_code is ResultCode.SUCCESS
    assert result.amount == 25.0
    assert str(result.currency) == "USD"
    assert str(result.operation_type) == ("Charge" if op == "charge" else "PreAuth")
    assert result.gateway_reference


@pytest.mark.parametrize("op", PAY_OPS)
def test_pay_accepted(live: Live, op: str) -> None:
    accounts(live)
    live.inject("accepted", "GatewayCharge" if op == "charge" else "GatewayAuthorize")
    raw = getattr(live.client.with_raw_response.payment_gateway, op)(pay())
    assert raw.status_code == 202
    assert raw.parsed.operation_result_code is ResultCode.ACCEPTED


@pytest.mark.parametrize("op", PAY_OPS)
def test_pay_400_names_the_field(live: Live, op: str) -> None:
    accounts(live)
    with pytest.raises(BadRequestError) as info:
        call_pay(live, op, pay(amount=0))
    assert info.value.field_name == "amount"
    assert info.value.errors


@pytest.mark.parametrize("op", PAY_OPS)
def test_pay_401(live: Live, op: str) -> None:
    with pytest.raises(AuthenticationError) as info:
        getattr(live.other_key().payment_gateway, op)(pay())
    assert info.value.status_code == 401


@pytest.mark.parametrize("op", PAY_OPS)
def test_pay_409_carries_the_gateway_codes(live: Live, op: str) -> None:
    accounts(live)
    with pytest.raises(GatewayRejectedError) as info:
        call_pay(live, op, pay("nullko"))
    assert info.value.gateway_result_code == "NULL_FAILURE"
    assert info.value.result is not None
    assert info.value.result.operation_result_code is ResultCode.REJECTED
    assert info.value.result.amount == 25.0


@pytest.mark.parametrize("op", PAY_OPS)
def test_pay_503_is_an_unknown_outcome_and_never_resent(live: Live, op: str) -> None:
    """A 503 may come from a proxy that forwarded the payment: it is never sent again."""
    accounts(live)
    live.inject("status_503", "GatewayCharge" if op == "charge" else "GatewayAuthorize", times=2)
    body = pay()
    with pytest.raises(OutcomeUnknownError) as info:
        call_pay(live, op, body)
    assert (info.value.status_code, info.value.my_ref) == (503, body["myRef"])


def test_status_503_until_attempts_run_out(live: Live) -> None:
    accounts(live)
    live.inject("status_503", "GatewayStatus", times=3)
    with pytest.raises(GatewayUnavailableError) as info:
        live.client.payment_gateway.status(
            {"myRef": "cassette-lookup", "paymentGatewayAccountName": "nullok"}
        )
    assert info.value.attempts == 3


# --- capture, refund, void ------------------------------------------------------------------

FOLLOW_OPS = {"capture": "GatewayCapture", "refund": "GatewayRefund", "void": "GatewayVoid"}


def prior(live: Live, op: str) -> str:
    """The transaction a follow-up operates on: an authorization to capture, else a charge."""
    accounts(live)
    first = (
        live.client.payment_gateway.authorize
        if op == "capture"
        else (live.client.payment_gateway.charge)
    )
    return str(first(pay()).gateway_reference)


def follow(live: Live, op: str, ref: str, client: Orchestra | None = None, **over: Any) -> Any:
    body = {**pay(), "refTransId": ref, "amount": 10.0, **over}
    return getattr((client or live.client).payment_gateway, op)(body)


@pytest.mark.parametrize("op", FOLLOW_OPS)
def test_follow_up_success(live: Live, op: str) -> None:
    ref = prior(live, op)
    result = follow(live, op, ref)
    assert result.operation_result_code is ResultCode.SUCCESS
    assert result.amount == 10.0
    assert result.gateway_reference == ref


@pytest.mark.parametrize("op", FOLLOW_OPS)
def test_follow_up_accepted(live: Live, op: str) -> None:
    ref = prior(live, op)
    live.inject("accepted", FOLLOW_OPS[op])
    assert follow(live, op, ref).operation_result_code is ResultCode.ACCEPTED


@pytest.mark.parametrize("op", FOLLOW_OPS)
def test_follow_up_400(live: Live, op: str) -> None:
    ref = prior(live, op)
    with pytest.raises(BadRequestError) as info:
        follow(live, op, ref, currency="ZZZ")
    assert info.value.field_name == "currency"


@pytest.mark.parametrize("op", FOLLOW_OPS)
def test_follow_up_401(live: Live, op: str) -> None:
    with pytest.raises(AuthenticationError):
        follow(live, op, "SBX00000001", client=live.other_key())


@pytest.mark.parametrize("op", FOLLOW_OPS)
def test_follow_up_409_for_an_unknown_transaction(live: Live, op: str) -> None:
    accounts(live)
    with pytest.raises(GatewayRejectedError) as info:
        follow(live, op, "SBX99999999")
    assert info.value.gateway_result_code == "NOT_FOUND"


@pytest.mark.parametrize("op", FOLLOW_OPS)
def test_follow_up_503_is_an_unknown_outcome_and_never_resent(live: Live, op: str) -> None:
    ref = prior(live, op)
    live.inject("status_503", FOLLOW_OPS[op], times=2)
    with pytest.raises(OutcomeUnknownError) as info:
        follow(live, op, ref)
    assert (info.value.status_code, info.value.ref_trans_id, info.value.amount) == (503, ref, 10.0)


def test_refund_more_than_charged_is_409(live: Live) -> None:
    ref = prior(live, "refund")
    with pytest.raises(GatewayRejectedError) as info:
        follow(live, "refund", ref, amount=30.0)
    assert info.value.gateway_result_code == "AMOUNT_EXCEEDED"


# --- status and tokenize --------------------------------------------------------------------


def test_status_by_my_ref(live: Live) -> None:
    accounts(live)
    ref = live.client.payment_gateway.charge(pay(myRef="cassette-7777")).gateway_reference
    result = live.client.payment_gateway.status({"myRef": "cassette-7777"})
    assert result.gateway_reference == ref
    assert result.operation_result_code is ResultCode.SUCCESS


def test_status_400_without_a_reference(live: Live) -> None:
    with pytest.raises(BadRequestError) as info:
        live.client.payment_gateway.status({})
    assert info.value.field_name == "refTransId"


def test_status_401(live: Live) -> None:
    with pytest.raises(AuthenticationError):
        live.other_key().payment_gateway.status({"myRef": "cassette-0001"})


def test_status_409_for_an_unknown_reference(live: Live) -> None:
    with pytest.raises(TransactionNotFoundError) as info:
        live.client.payment_gateway.status({"refTransId": "SBX99999999"})
    assert not isinstance(info.value, GatewayRejectedError)
    assert info.value.gateway_result_code == "NOT_FOUND"


def test_tokenize_success(live: Live) -> None:
    accounts(live)
    result = live.client.payment_gateway.tokenize(
        {"card": CARD, "paymentGatewayAccountName": "nullok"}
    )
    assert str(result.operation_type) == "Tokenize"
    assert isinstance(result.gateway_token, str) and len(result.gateway_token) == 32


def test_tokenize_400(live: Live) -> None:
    accounts(live)
    with pytest.raises(BadRequestError) as info:
        live.client.payment_gateway.tokenize(
            {"card": {**CARD, "expirationYear": 2001}, "paymentGatewayAccountName": "nullok"}
        )
    assert info.value.field_name == "card.expirationYear"


def test_tokenize_401(live: Live) -> None:
    with pytest.raises(AuthenticationError):
        live.other_key().payment_gateway.tokenize({"card": CARD})


def test_tokenize_409(live: Live) -> None:
    accounts(live)
    with pytest.raises(GatewayRejectedError) as info:
        live.client.payment_gateway.tokenize({"card": CARD, "paymentGatewayAccountName": "nullko"})
    assert info.value.gateway_result_code == "NULL_FAILURE"


# --- gateways, accounts, utils --------------------------------------------------------------


def test_list_gateways(live: Live) -> None:
    gateways = {g.name: g for g in live.client.payment_gateway.list_gateways()}
    assert {"NULLSuccess", "NULLFailure"} <= set(gateways)
    assert gateways["NULLSuccess"].credentials_names == []


def test_list_gateways_401(live: Live) -> None:
    with pytest.raises(AuthenticationError):
        live.other_key().payment_gateway.list_gateways()


def test_list_gateways_rides_out_a_503(live: Live) -> None:
    live.inject("status_503", "GatewayList", times=1)
    assert len(live.client.payment_gateway.list_gateways()) >= 2


def test_account_set_retrieve_list_delete(live: Live) -> None:
    creds: list[KeyValueParams] = [
        {"key": "merchantId", "value": "m-1"},
        {"key": "apiSecret", "value": "gw-secret"},
    ]
    created = live.client.gateway_accounts.set(
        "cards1", {"paymentGatewayName": "SandboxCards", "credentials": creds}
    )
    assert created.name == "cards1"
    fetched = live.client.gateway_accounts.retrieve("cards1")
    assert fetched.payment_gateway_name == "SandboxCards"
    assert isinstance(fetched.credentials, list)
    assert [c.key for c in fetched.credentials] == ["merchantId", "apiSecret"]
    assert [a.name for a in live.client.gateway_accounts.list()] == ["cards1"]
    live.client.gateway_accounts.delete("cards1")
    assert live.client.gateway_accounts.list() == []


def test_account_set_400(live: Live) -> None:
    with pytest.raises(BadRequestError) as info:
        live.client.gateway_accounts.set("acct1", {"paymentGatewayName": "NoSuchGateway"})
    assert info.value.field_name == "paymentGatewayName"


def test_account_retrieve_404(live: Live) -> None:
    with pytest.raises(NotFoundError):
        live.client.gateway_accounts.retrieve("missing1")


def test_accounts_401(live: Live) -> None:
    with pytest.raises(AuthenticationError):
        live.other_key().gateway_accounts.list()


def test_validate_api_key(live: Live) -> None:
    result = live.client.utils.validate_api_key()
    assert result.status == "Valid"
    assert result.is_sandbox is True


def test_validate_api_key_401(live: Live) -> None:
    with pytest.raises(AuthenticationError) as info:
        live.other_key().utils.validate_api_key()
    assert info.value.body["fieldName"] == "X-Api-Key"


# --- string tokens --------------------------------------------------------------------------


def test_string_token_create_retrieve_meta_delete(live: Live) -> None:
    raw = live.client.with_raw_response.string_tokens.create({"payload": PAN})
    token = raw.parsed.token
    assert raw.status_code == 201
    assert isinstance(token, str) and len(token) == 32
    assert raw.headers["Location"].endswith(f"/StringTokens/{token}")
    stored = live.client.string_tokens.retrieve(token)
    assert stored.token == token
    assert isinstance(stored.clear_payload, str)
    assert live.client.string_tokens.retrieve_meta(token).token == token
    live.client.string_tokens.delete(token)
    with pytest.raises(NotFoundError):
        live.client.string_tokens.retrieve(token)


def test_string_token_pays_by_reference(live: Live) -> None:
    accounts(live)
    token = live.client.string_tokens.create({"payload": PAN}).token
    result = live.client.payment_gateway.charge(pay(card={**CARD, "cardNumber": f"@{token}"}))
    assert result.operation_result_code is ResultCode.SUCCESS


def test_string_token_create_400(live: Live) -> None:
    with pytest.raises(BadRequestError) as info:
        live.client.string_tokens.create({"payload": "x" * 16385})
    assert info.value.field_name == "payload"


def test_string_token_401(live: Live) -> None:
    with pytest.raises(AuthenticationError):
        live.other_key().string_tokens.create({"payload": PAN})


@pytest.mark.parametrize("method", ["retrieve", "retrieve_meta", "delete"])
def test_string_token_404(live: Live, method: str) -> None:
    with pytest.raises(NotFoundError):
        getattr(live.client.string_tokens, method)("0" * 32)


# --- Payments Library sessions ----------------------------------------------------------------


def test_start_session_and_validate_results(live: Live) -> None:
    if live.real_api:
        pytest.skip("completing a session needs the client-side library (sandbox route only)")
    session = live.client.ewallet.start_session(
        {"operation": "CHARGE", "amount": 30.0, "currencyCode": "EUR"}
    )
    assert isinstance(session.token, str)
    results = live.client.http_client.post(
        "/_sandbox/ewallet/complete", json={"sessionToken": session.token}
    ).json()["results"]
    data = live.client.ewallet.validate_results(results)
    charged = data.upg_charge_results
    assert isinstance(charged, OperationResult)
    assert charged.amount == 30.0
    assert charged.operation_result_code is ResultCode.SUCCESS


def test_start_session_400(live: Live) -> None:
    with pytest.raises(BadRequestError) as info:
        live.client.ewallet.start_session({"operation": "CHARGE", "amount": -1})
    assert info.value.field_name == "amount"


def test_validate_results_400_when_tampered(live: Live) -> None:
    with pytest.raises(BadRequestError) as info:
        live.client.ewallet.validate_results("e30.0000")
    assert info.value.field_name == "results"


def test_ewallet_401(live: Live) -> None:
    with pytest.raises(AuthenticationError):
        live.other_key().ewallet.start_session({"operation": "TOKENIZE"})


# --- async, and the generated low-level functions ----------------------------------------------


async def test_async_charge_success_and_decline(live: Live) -> None:
    accounts(live)
    async with live.async_client() as client:
        result = await client.payment_gateway.charge(pay())
        assert result.operation_result_code is ResultCode.SUCCESS
        with pytest.raises(GatewayRejectedError) as info:
            await client.payment_gateway.charge(pay("nullko"))
    assert info.value.gateway_result_code == "NULL_FAILURE"


async def test_async_refund_503_is_an_unknown_outcome(live: Live) -> None:
    ref = prior(live, "refund")
    live.inject("status_503", "GatewayRefund", times=2)
    async with live.async_client() as client:
        with pytest.raises(OutcomeUnknownError) as info:
            await client.payment_gateway.refund(pay(refTransId=ref, amount=5.0))
    assert (info.value.status_code, info.value.amount) == (503, 5.0)


def test_low_level_generated_charge_and_list(live: Live) -> None:
    from orchestra_api.api.payment_gateway import gateway_charge, gateway_list
    from orchestra_api.models import ChargeRequest, PaymentGatewayDescription

    accounts(live)
    response = gateway_charge.sync_detailed(
        client=live.client.low_level, body=ChargeRequest.from_dict(pay("nullko"))
    )
    assert response.status_code == 409
    assert isinstance(response.parsed, OperationResult)
    assert response.parsed.gateway_result_code == "NULL_FAILURE"
    listed = gateway_list.sync(client=live.client.low_level)
    assert isinstance(listed, list)
    assert all(isinstance(g, PaymentGatewayDescription) for g in listed)
