"""What the templates and class overrides promise about the generated package."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

import orchestra_api.models as models
from conftest import CVV, PAN, ROOT
from orchestra_api.api.payment_gateway import gateway_charge, gateway_refund, gateway_void
from orchestra_api.client import AuthenticatedClient

VENDOR_PREFIXES = re.compile(r"PayTools|Payments[A-Z]|EWalletModels|EWalletEnums|System|CoreLib")
VENDOR_MODULE_PREFIXES = re.compile(r"pay_tools|payments_|e_wallet_models|e_wallet_enums|system")

REJECTED_409 = {
    "operationType": "Charge",
    "operationResultCode": "Rejected",
    "operationResultDescription": "Declined",
    "amount": 10.5,
    "currency": "USD",
    "gatewayName": "NULLFailure",
    "gatewayResultCode": "05",
    "gatewayResultDescription": "Do not honor",
}


def test_every_schema_has_a_clean_class_name(vendor_spec: dict[str, Any]) -> None:
    schemas = vendor_spec["components"]["schemas"]
    assert len(models.__all__) == len(schemas) == 36
    for name in models.__all__:
        cls = getattr(models, name)
        assert cls.__name__ == name
        assert not VENDOR_PREFIXES.search(name), name
        assert not VENDOR_MODULE_PREFIXES.search(cls.__module__.rsplit(".", 1)[1]), cls.__module__
    for required in (
        "ChargeRequest",
        "Card",
        "OperationResult",
        "ResultCode",
        "CurrencyCode",
        "StringToken",
        "GatewayAccount",
        "ValidationErrorMessage",
    ):
        assert required in models.__all__


def test_every_class_override_key_names_a_generated_class(vendor_spec: dict[str, Any]) -> None:
    from openapi_python_client.strings import ClassName

    config = yaml.safe_load((ROOT / "generator-config.yaml").read_text())
    generated_names = {ClassName(s, "field_") for s in vendor_spec["components"]["schemas"]}
    assert set(config["class_overrides"]) == generated_names


def test_no_module_anywhere_carries_a_vendor_namespace() -> None:
    import orchestra_api

    names = [m.name for m in pkgutil.walk_packages(orchestra_api.__path__, "orchestra_api.")]
    assert "orchestra_api.api.string_tokens.string_token_delete" in names
    assert not any(n.endswith(".delete") for n in names)
    for name in names:
        assert not VENDOR_MODULE_PREFIXES.search(name.rsplit(".", 1)[1]), name
        module = importlib.import_module(name)
        for cls_name, _ in inspect.getmembers(module, inspect.isclass):
            assert not VENDOR_PREFIXES.search(cls_name), f"{name}.{cls_name}"


def test_py_typed_is_shipped() -> None:
    assert (ROOT / "generated" / "orchestra_api" / "py.typed").is_file()
    assert (ROOT / "overlays" / "orchestra_payments" / "py.typed").is_file()


def _client() -> AuthenticatedClient:
    return AuthenticatedClient(base_url="https://api.invalid", token="")


@pytest.mark.parametrize("module", [gateway_charge, gateway_refund, gateway_void])
def test_a_409_body_parses_into_operation_result(module: Any) -> None:
    response = httpx.Response(409, json=REJECTED_409)
    parsed = module._build_response(client=_client(), response=response).parsed
    assert isinstance(parsed, models.OperationResult)
    assert parsed.operation_result_code == models.ResultCode.REJECTED
    assert parsed.gateway_result_code == "05"
    assert parsed.gateway_result_description == "Do not honor"


def test_a_202_of_void_parses_into_operation_result() -> None:
    body = {**REJECTED_409, "operationResultCode": "Accepted", "operationType": "Void"}
    parsed = gateway_void._build_response(
        client=_client(), response=httpx.Response(202, json=body)
    ).parsed
    assert isinstance(parsed, models.OperationResult)
    assert parsed.operation_result_code is models.ResultCode.ACCEPTED


def test_unknown_enum_values_parse_keep_their_value_and_round_trip() -> None:
    body = {
        **REJECTED_409,
        "operationResultCode": "x-unlisted-result",
        "currency": "x-unlisted-currency",
        "operationType": "x-unlisted-operation",
    }
    result = models.OperationResult.from_dict(body)
    assert isinstance(result.operation_result_code, models.ResultCode)
    assert result.operation_result_code.is_unknown
    assert result.operation_result_code.value == "x-unlisted-result"
    assert result.operation_result_code != models.ResultCode.REJECTED
    assert isinstance(result.currency, models.CurrencyCode)
    assert result.currency.value == "x-unlisted-currency"
    assert not models.CurrencyCode("USD").is_unknown
    assert result.to_dict() == body


def test_unknown_fields_are_kept_and_written_back() -> None:
    body = {**REJECTED_409, "riskScore": 42, "networkTransactionId": "abc"}
    result = models.OperationResult.from_dict(body)
    assert result.additional_properties == {"riskScore": 42, "networkTransactionId": "abc"}
    assert result.to_dict() == body


def _card() -> Any:
    return models.Card(
        card_holder_name="Jane Doe",
        card_number=PAN,
        expiration_month=12,
        expiration_year=2030,
        cvv=CVV,
    )


@pytest.mark.parametrize(
    "make",
    [
        _card,
        lambda: models.ChargeRequest(amount=10.0, currency="USD", card=_card()),
        lambda: models.BankCard(number=PAN, security_code=CVV),
        lambda: models.StringTokenInput(payload=PAN),
        lambda: models.StringToken(clear_payload=PAN, token="a" * 32),
        lambda: models.KeyValue(key="apiSecret", value="s3cr3t-gateway-value"),
        lambda: models.GatewayAccountInput(
            payment_gateway_name="Stripe",
            credentials=[models.KeyValue(key="apiSecret", value="s3cr3t-gateway-value")],
        ),
    ],
)
def test_repr_and_str_never_show_card_data_or_secrets(make: Any) -> None:
    obj = make()
    for text in (repr(obj), str(obj)):
        assert PAN not in text
        assert "s3cr3t-gateway-value" not in text
        assert f"'{CVV}'" not in text
        assert "<redacted>" in text or "****4242" in text


def test_repr_keeps_what_is_safe_to_show() -> None:
    card = _card()
    text = repr(card)
    assert "****4242" in text
    assert "Jane Doe" in text
    assert card.card_number == PAN  # the attribute itself is untouched
    token_card = models.Card(
        card_holder_name="J", card_number="@" + "a" * 32, expiration_month=1, expiration_year=2030
    )
    assert "@" + "a" * 32 in repr(token_card)


def test_models_package_loads_lazily() -> None:
    import subprocess
    import sys

    code = (
        "import sys, orchestra_api.models as m; "
        "before = sum(k.startswith('orchestra_api.models.') for k in sys.modules); "
        "m.Card; after = sum(k.startswith('orchestra_api.models.') for k in sys.modules); "
        "print(before, after)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    before, after = map(int, out.stdout.split())
    assert before == 0
    assert 1 <= after < 36
    assert Path(models.__file__).parent.name == "models"


def test_the_generated_client_never_hangs_and_never_shows_its_token() -> None:
    from orchestra_api.client import Client

    client = AuthenticatedClient(base_url="https://api.invalid", token="sk_live_secret_value")
    assert "sk_live_secret_value" not in repr(client)
    for plain in (client, Client(base_url="https://api.invalid")):
        timeout = plain.get_httpx_client().timeout
        assert timeout.connect == 5.0
        assert timeout.read == 60.0
