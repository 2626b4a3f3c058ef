"""One ISO 4217 table (sandbox/orchestra_sandbox/iso4217.json) for the sandbox and the client,
and where it and the spec's CurrencyCode enum may disagree, which one wins."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from decimal import Decimal
from typing import Any

import pytest
from specpatch import apply_patches, load_patches

from conftest import ROOT
from orchestra_payments import RequestValidationError, _generated_params, _pipeline
from orchestra_sandbox import Engine
from orchestra_sandbox._data import CURRENCIES, MINOR_UNITS
from orchestra_sandbox._validate import Invalid

TABLE: dict[str, Any] = json.loads(
    (ROOT / "sandbox" / "orchestra_sandbox" / "iso4217.json").read_text("utf-8")
)
NOT_IN_SPEC = frozenset(TABLE["notInSpec"])


@pytest.fixture(scope="module")
def spec_codes(vendor_spec: dict[str, Any]) -> list[str]:
    """The patched spec's CurrencyCode values (what the client is generated from)."""
    spec, _ = apply_patches(copy.deepcopy(vendor_spec), load_patches(ROOT / "openapi/patches.json"))
    codes: list[str] = spec["components"]["schemas"]["Payments.CurrencyCode"]["enum"]
    return codes


def test_the_table_has_every_code_the_spec_lists_and_names_those_it_does_not(
    spec_codes: list[str],
) -> None:
    # A code the vendor adds to CurrencyCode needs its minor units here; a code the table has
    # and the spec does not is listed in notInSpec.
    assert set(spec_codes) - set(TABLE["minorUnits"]) == set()
    assert set(TABLE["minorUnits"]) - NOT_IN_SPEC == set(spec_codes)
    assert not NOT_IN_SPEC & set(spec_codes)
    assert set(spec_codes) == CURRENCIES
    assert TABLE["minorUnits"] == MINOR_UNITS


def test_the_client_table_is_rendered_from_the_one_table() -> None:
    with_units = {code: units for code, units in TABLE["minorUnits"].items() if units is not None}
    assert with_units == _generated_params.MINOR_UNITS
    assert (with_units["USD"], with_units["JPY"], with_units["KWD"], with_units["CLF"]) == (
        2,
        0,
        3,
        4,
    )


def _charge(engine: Engine, currency: str, amount: float) -> Any:
    card = {
        "cardHolderName": "Jane Doe",
        "cardNumber": "4242424242424242",
        "expirationMonth": 12,
        "expirationYear": 2099,
    }
    body = {
        "amount": amount,
        "currency": currency,
        "card": card,
        "paymentGatewayAccount": {"paymentGatewayName": "NULLSuccess"},
    }
    return engine.pay("Charge", body)


def test_the_spec_decides_which_codes_the_api_takes_the_table_their_minor_units() -> None:
    engine = Engine()
    # A code of the table that the spec does not list: the sandbox (the API) refuses it ...
    assert "BYN" in NOT_IN_SPEC
    with pytest.raises(Invalid) as refused:
        _charge(engine, "BYN", 5.0)
    assert (refused.value.field_name, refused.value.errors) == (
        "currency",
        ["Unknown currency 'BYN'."],
    )
    # ... and the client still checks its minor units (it sends what it is given as a dict).
    with pytest.raises(RequestValidationError, match="BYN has 2 decimal places"):
        _pipeline.check_minor_units({"amount": 1.234, "currency": "BYN"})
    # A code the spec lists with no minor unit in the table: any number of decimals, both sides.
    assert TABLE["minorUnits"]["XAU"] is None
    _pipeline.check_minor_units({"amount": Decimal("1.23456"), "currency": "XAU"})
    assert _charge(engine, "XAU", 1.23456).body["amount"] == 1.23456
    # A code the spec lists with minor units: both sides hold amounts to them.
    with pytest.raises(Invalid, match="amount"):
        _charge(engine, "JPY", 1.5)
    with pytest.raises(RequestValidationError, match="JPY has 0 decimal places"):
        _pipeline.check_minor_units({"amount": 1.5, "currency": "JPY"})


def test_the_client_reads_no_data_file() -> None:
    code = (
        "import sys\n"
        "opened = []\n"
        "sys.addaudithook(lambda event, args: opened.append(str(args[0])) "
        "if event == 'open' and isinstance(args[0], str) else None)\n"
        "import orchestra_payments\n"
        "from orchestra_payments import _pipeline\n"
        "_pipeline.check_minor_units({'amount': 1.5, 'currency': 'USD'})\n"
        "orchestra_payments.Orchestra(api_key='k').close()\n"
        "print('\\n'.join(p for p in opened if p.endswith('.json') or 'iso4217' in p))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
