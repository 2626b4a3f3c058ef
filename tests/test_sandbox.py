"""The emulator on its own (plain httpx on loopback): documented outcomes and every fault."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from conftest import PAN
from orchestra_sandbox import DEFAULT_API_KEY, SandboxServer

CARD = {
    "cardHolderName": "Jane Doe",
    "cardNumber": PAN,
    "expirationMonth": 12,
    "expirationYear": 2030,
    "cvv": "123",
}


@pytest.fixture
def api(orchestra_sandbox: SandboxServer) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=orchestra_sandbox.base_url,
        headers={"X-Api-Key": orchestra_sandbox.api_key},
        timeout=10,
    ) as client:
        client.put("/PaymentGatewayAccounts/nullok", json={"paymentGatewayName": "NULLSuccess"})
        client.put("/PaymentGatewayAccounts/nullko", json={"paymentGatewayName": "NULLFailure"})
        client.put(
            "/PaymentGatewayAccounts/cards",
            json={
                "paymentGatewayName": "SandboxCards",
                "credentials": [
                    {"key": "merchantId", "value": "m1"},
                    {"key": "apiSecret", "value": "s3cr3t"},
                ],
            },
        )
        yield client


def charge_body(account: str = "nullok", **over: Any) -> dict[str, Any]:
    card = {**CARD, **over.pop("card", {})}
    return {
        "amount": 10.0,
        "currency": "USD",
        "myRef": "order-100001",
        "paymentGatewayAccountName": account,
        "card": card,
        **over,
    }


def charge(api: httpx.Client, **over: Any) -> httpx.Response:
    return api.post("/PaymentGateway/charge", json=charge_body(**over))


def follow(api: httpx.Client, op: str, ref: str, amount: float, **over: Any) -> httpx.Response:
    method = {"capture": "PUT", "refund": "PUT", "void": "DELETE"}[op]
    body = {**charge_body(**over), "refTransId": ref, "amount": amount}
    return api.request(method, f"/PaymentGateway/{op}", json=body)


def test_a_missing_or_wrong_key_is_401_with_a_validation_message(
    orchestra_sandbox: SandboxServer,
) -> None:
    for headers in ({}, {"X-Api-Key": "wrong"}):
        r = httpx.get(f"{orchestra_sandbox.base_url}/Utils/apiKey", headers=headers)
        assert r.status_code == 401
        assert r.json()["fieldName"] == "X-Api-Key"


def test_validate_api_key(api: httpx.Client) -> None:
    r = api.get("/Utils/apiKey")
    assert r.status_code == 200
    assert r.json()["isSandbox"] is True


def test_gateways_include_the_mock_and_card_gateways(api: httpx.Client) -> None:
    gateways = {g["name"]: g for g in api.get("/PaymentGateway").json()}
    assert {"NULLSuccess", "NULLFailure", "SandboxCards"} <= set(gateways)
    assert gateways["SandboxCards"]["credentialsNames"] == ["merchantId", "apiSecret"]


def test_accounts_set_retrieve_list_delete(api: httpx.Client) -> None:
    full = api.get("/PaymentGatewayAccounts/cards").json()
    assert full["credentials"][1] == {"key": "apiSecret", "value": "s3cr3t"}
    listed = api.get("/PaymentGatewayAccounts").json()
    assert {a["name"] for a in listed} == {"nullok", "nullko", "cards"}
    assert all("credentials" not in a for a in listed)
    assert api.delete("/PaymentGatewayAccounts/cards").status_code == 200
    assert api.get("/PaymentGatewayAccounts/cards").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"paymentGatewayName": "Nope"}, "paymentGatewayName"),
        ({"paymentGatewayName": "SandboxCards", "credentials": []}, "credentials"),
    ],
)
def test_account_set_rejects_bad_gateways_and_credentials(
    api: httpx.Client, body: dict[str, Any], field: str
) -> None:
    r = api.put("/PaymentGatewayAccounts/acct1", json=body)
    assert r.status_code == 400
    assert r.json()["fieldName"] == field


@pytest.mark.parametrize("name", ["ab", "bad-name", "x" * 65])
def test_a_bad_account_name_is_400(api: httpx.Client, name: str) -> None:
    r = api.get(f"/PaymentGatewayAccounts/{name}")
    assert r.status_code == 400
    assert r.json()["fieldName"] == "name"


def test_null_success_approves_with_202(api: httpx.Client) -> None:
    r = charge(api)
    assert r.status_code == 202
    body = r.json()
    assert body["operationResultCode"] == "Success"
    assert body["gatewayReference"].startswith("SBX")
    assert body["amount"] == 10.0


def test_null_failure_declines_with_409_and_gateway_codes(api: httpx.Client) -> None:
    r = charge(api, account="nullko")
    assert r.status_code == 409
    assert r.json()["operationResultCode"] == "Rejected"
    assert r.json()["gatewayResultCode"] == "NULL_FAILURE"


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("4242424242424242", 202),
        ("4111111111111111", 202),
        ("5555555555554444", 202),
        ("378282246310005", 202),
        ("4000000000000002", 409),
        ("5105105105105100", 409),
        ("371449635398431", 409),
    ],
)
def test_test_cards_decide_the_card_gateway(api: httpx.Client, number: str, code: int) -> None:
    r = charge(api, account="cards", card={"cardNumber": number})
    assert r.status_code == code
    expected = "Success" if code == 202 else "Rejected"
    assert r.json()["operationResultCode"] == expected


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"amount": 0}, "amount"),
        ({"amount": -5}, "amount"),
        ({"currency": "ZZZ"}, "currency"),
        ({"card": {"cardNumber": "4242424242424241"}}, "card.cardNumber"),
        ({"card": {"expirationYear": 2020}}, "card.expirationYear"),
        ({"card": {"cardHolderName": ""}}, "card.cardHolderName"),
        ({"card": {"cardNumber": "378282246310005"}, "myRef": "abc"}, "myRef"),
        ({"paymentGatewayAccountName": "missing"}, "paymentGatewayAccountName"),
    ],
)
def test_bad_charges_are_400_naming_the_field(
    api: httpx.Client, over: dict[str, Any], field: str
) -> None:
    r = charge(api, **over)
    assert r.status_code == 400
    assert r.json()["fieldName"] == field
    assert r.json()["errors"]


@pytest.mark.parametrize("missing", ["amount", "currency", "card"])
def test_missing_required_fields_are_400(api: httpx.Client, missing: str) -> None:
    body = charge_body()
    del body[missing]
    r = api.post("/PaymentGateway/charge", json=body)
    assert r.status_code == 400
    assert r.json()["fieldName"] == missing


def test_malformed_json_is_400(api: httpx.Client) -> None:
    r = api.post(
        "/PaymentGateway/charge", content=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 400
    assert r.json()["fieldName"] == "body"


def test_authorize_capture_refund_then_void_is_refused(api: httpx.Client) -> None:
    auth = api.post("/PaymentGateway/authorize", json=charge_body()).json()
    ref = auth["gatewayReference"]
    assert auth["operationType"] == "PreAuth"
    assert follow(api, "capture", ref, 20.0).status_code == 409  # more than authorized
    assert follow(api, "capture", ref, 10.0).json()["operationResultCode"] == "Success"
    assert follow(api, "refund", ref, 11.0).status_code == 409  # more than captured
    assert follow(api, "refund", ref, 4.0).status_code == 202
    void = follow(api, "void", ref, 10.0)
    assert void.status_code == 409
    assert void.json()["gatewayResultCode"] == "REFUNDED"


def test_capture_needs_an_authorization(api: httpx.Client) -> None:
    ref = charge(api).json()["gatewayReference"]
    assert follow(api, "capture", ref, 5.0).json()["gatewayResultCode"] == "NOT_AUTHORIZED"
    assert follow(api, "capture", "SBX99999999", 5.0).json()["gatewayResultCode"] == "NOT_FOUND"


def test_void_twice_is_refused(api: httpx.Client) -> None:
    ref = charge(api).json()["gatewayReference"]
    assert follow(api, "void", ref, 10.0).status_code == 202
    assert follow(api, "void", ref, 10.0).json()["gatewayResultCode"] == "VOIDED"


def test_status_by_ref_and_by_my_ref(api: httpx.Client) -> None:
    ref = charge(api, myRef="order-777777").json()["gatewayReference"]
    by_ref = api.post("/PaymentGateway/status", json={"refTransId": ref})
    by_my_ref = api.post("/PaymentGateway/status", json={"myRef": "order-777777"})
    assert by_ref.status_code == by_my_ref.status_code == 200
    assert by_ref.json()["gatewayReference"] == by_my_ref.json()["gatewayReference"] == ref
    missing = api.post("/PaymentGateway/status", json={"myRef": "order-000000"})
    assert missing.status_code == 409
    assert api.post("/PaymentGateway/status", json={}).status_code == 400


def test_tokenize(api: httpx.Client) -> None:
    ok = api.post(
        "/PaymentGateway/tokenize", json={"card": CARD, "paymentGatewayAccountName": "nullok"}
    )
    assert ok.status_code == 200
    assert len(ok.json()["gatewayToken"]) == 32
    ko = api.post(
        "/PaymentGateway/tokenize", json={"card": CARD, "paymentGatewayAccountName": "nullko"}
    )
    assert ko.status_code == 409


def test_string_token_lifecycle_and_use_in_a_charge(api: httpx.Client) -> None:
    created = api.post("/StringTokens", json={"payload": PAN})
    assert created.status_code == 201
    token = created.json()["token"]
    assert len(token) == 32 and token.isalnum()
    assert created.headers["Location"].endswith(f"/StringTokens/{token}")
    assert api.get(f"/StringTokens/{token}").json()["clearPayload"] == PAN
    assert "clearPayload" not in api.get(f"/StringTokens/{token}/meta").json()
    paid = charge(api, card={"cardNumber": f"@{token}"})
    assert paid.status_code == 202
    assert api.delete(f"/StringTokens/{token}").status_code == 200
    assert api.get(f"/StringTokens/{token}").status_code == 404
    assert api.get(f"/StringTokens/{token}/meta").status_code == 404
    assert api.delete(f"/StringTokens/{token}").status_code == 404
    assert charge(api, card={"cardNumber": f"@{token}"}).json()["fieldName"] == "card.cardNumber"


def test_string_token_input_is_validated(api: httpx.Client) -> None:
    assert api.post("/StringTokens", json={}).json()["fieldName"] == "payload"
    assert api.post("/StringTokens", json={"payload": "x" * 16385}).status_code == 400
    assert api.get("/StringTokens/short").json()["fieldName"] == "token"


def test_payments_library_session_round_trip(
    api: httpx.Client, orchestra_sandbox: SandboxServer
) -> None:
    session = api.post(
        "/EWalletOperations", json={"operation": "CHARGE", "amount": 25.0, "currencyCode": "EUR"}
    ).json()["token"]
    done = api.post("/_sandbox/ewallet/complete", json={"sessionToken": session}).json()
    results = api.post("/EWalletOperations/validateResults", json=done["results"])
    assert results.status_code == 200
    assert results.json()["upgChargeResults"]["amount"] == 25.0
    assert results.json()["tokenAndMaskedCardModel"]["bankCard"]["number"].endswith("4242")
    tampered = done["results"][:-2] + ("00" if not done["results"].endswith("00") else "11")
    bad = api.post("/EWalletOperations/validateResults", json=tampered)
    assert bad.status_code == 400
    assert bad.json()["fieldName"] == "results"


def test_the_ledger_counts_money_movements(api: httpx.Client) -> None:
    charge(api)
    charge(api, account="nullko")
    ledger = api.get("/_sandbox/ledger").json()
    assert [(e["operation"], e["result"]) for e in ledger] == [
        ("Charge", "Success"),
        ("Charge", "Rejected"),
    ]


# --- faults --------------------------------------------------------------------------------


def test_503_for_the_next_k_calls_of_one_operation(
    api: httpx.Client, orchestra_sandbox: SandboxServer
) -> None:
    orchestra_sandbox.app.inject("status_503", "GatewayCharge", times=2, retry_after="1")
    first, second = charge(api), charge(api)
    assert (first.status_code, second.status_code) == (503, 503)
    assert first.headers["Retry-After"] == "1"
    assert api.get("/PaymentGateway").status_code == 200  # other operations unaffected
    assert charge(api).status_code == 202
    assert len(orchestra_sandbox.app.ledger()) == 1


def test_faults_can_be_injected_over_http(api: httpx.Client) -> None:
    r = api.post("/_sandbox/faults", json={"kind": "html_502", "operation": "GatewayList"})
    assert r.status_code == 201
    assert api.get("/_sandbox/faults").json()[0]["kind"] == "html_502"
    bad = api.get("/PaymentGateway")
    assert bad.status_code == 502
    assert "<html>" in bad.text
    assert api.post("/_sandbox/faults", json={"kind": "nope"}).status_code == 400


def test_latency(api: httpx.Client, orchestra_sandbox: SandboxServer) -> None:
    orchestra_sandbox.app.inject("latency", "GatewayCharge", seconds=0.3)
    with pytest.raises(httpx.ReadTimeout):
        api.post("/PaymentGateway/charge", json=charge_body(), timeout=httpx.Timeout(5, read=0.05))
    # The slow gateway still charges after the client gave up; wait for it so that the late
    # charge lands in this test's ledger, not the next test's.
    deadline = time.monotonic() + 5
    while not orchestra_sandbox.app.ledger() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert [e["operation"] for e in orchestra_sandbox.app.ledger()] == ["Charge"]
    started = time.monotonic()
    assert charge(api).status_code == 202
    assert time.monotonic() - started < 0.3  # the fault was used once


@pytest.mark.parametrize("kind", ["empty_body", "truncated_body"])
def test_broken_bodies_after_the_operation_ran(
    api: httpx.Client, orchestra_sandbox: SandboxServer, kind: str
) -> None:
    orchestra_sandbox.app.inject(kind, "GatewayCharge")
    r = charge(api)
    assert r.status_code == 202
    with pytest.raises(ValueError):
        r.json()
    assert orchestra_sandbox.app.ledger()[0]["result"] == "Success"


def test_unknown_enum_values(api: httpx.Client, orchestra_sandbox: SandboxServer) -> None:
    orchestra_sandbox.app.inject("unknown_enum", "GatewayCharge")
    body = charge(api).json()
    assert body["operationType"] == "Reauthorization"
    assert body["currency"] == "XBT"
    orchestra_sandbox.app.inject(
        "unknown_enum", "GatewayCharge", fields={"operationResultCode": "PartiallyApproved"}
    )
    assert charge(api).json()["operationResultCode"] == "PartiallyApproved"


def test_accepted(api: httpx.Client, orchestra_sandbox: SandboxServer) -> None:
    orchestra_sandbox.app.inject("accepted", "GatewayRefund")
    ref = charge(api).json()["gatewayReference"]
    r = follow(api, "refund", ref, 5.0)
    assert r.status_code == 202
    assert r.json()["operationResultCode"] == "Accepted"


def test_drop_after_commit_records_the_charge_and_answers_nothing(
    api: httpx.Client, orchestra_sandbox: SandboxServer
) -> None:
    orchestra_sandbox.app.inject("drop_after_commit", "GatewayCharge")
    with pytest.raises(httpx.RemoteProtocolError):
        charge(api)
    ledger = orchestra_sandbox.app.ledger()
    assert [(e["operation"], e["result"], e["myRef"]) for e in ledger] == [
        ("Charge", "Success", "order-100001")
    ]


def test_reset_scopes_state_and_faults(api: httpx.Client, orchestra_sandbox: SandboxServer) -> None:
    orchestra_sandbox.app.inject("status_503", times=5)
    assert api.post("/_sandbox/reset").status_code == 204
    assert orchestra_sandbox.app.faults.pending() == []
    assert api.get("/PaymentGatewayAccounts").json() == []


def test_a_sandbox_with_its_own_keys() -> None:
    from orchestra_sandbox import create_app

    with SandboxServer(create_app(api_keys=["k-one"])) as server:
        assert server.api_key == "k-one"
        ok = httpx.get(f"{server.base_url}/Utils/apiKey", headers={"X-Api-Key": "k-one"})
        default = httpx.get(
            f"{server.base_url}/Utils/apiKey", headers={"X-Api-Key": DEFAULT_API_KEY}
        )
    assert (ok.status_code, default.status_code) == (200, 401)


def test_a_slow_call_outliving_a_reset_does_not_reach_the_new_state(
    api: httpx.Client, orchestra_sandbox: SandboxServer
) -> None:
    import threading

    orchestra_sandbox.app.inject("latency", "GatewayCharge", seconds=0.3)
    outcome: list[int] = []
    slow = threading.Thread(target=lambda: outcome.append(charge(api).status_code))
    slow.start()
    deadline = time.monotonic() + 5
    while orchestra_sandbox.app.faults.pending() and time.monotonic() < deadline:
        time.sleep(0.01)
    orchestra_sandbox.app.reset()
    slow.join(timeout=5)
    assert outcome == [503]
    assert orchestra_sandbox.app.ledger() == []


def test_status_reports_a_declined_charge_as_declined(api: httpx.Client) -> None:
    declined = charge(api, account="nullko", myRef="order-555555")
    assert declined.status_code == 409
    ref = declined.json()["gatewayReference"]
    status = api.post("/PaymentGateway/status", json={"myRef": "order-555555"})
    assert status.status_code == 200
    assert status.json()["operationResultCode"] == "Rejected"
    assert status.json()["gatewayReference"] == ref
    refund = follow(api, "refund", ref, 1.0)
    assert refund.json()["gatewayResultCode"] == "DECLINED"
