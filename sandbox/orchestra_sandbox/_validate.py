"""Input limits: what the sandbox refuses before any behaviour runs (400 or 413, never a 500).

- A request body over ``MAX_BODY_BYTES`` is refused with 413, unread.
- A body that is not JSON, nested deeper than ``MAX_DEPTH``, holding a non-finite number
  (``NaN``, ``Infinity``, ``1e309``) or a string that is not valid Unicode (a lone surrogate
  such as ``"\\ud800"``) is a 400 ``ValidationErrorMessage`` naming the field.
- An amount must be a number, finite, greater than zero, below ``MAX_AMOUNT`` and have no more
  decimals than its currency's ISO 4217 minor units.
- Credentials are a list of ``{"key": string, "value": string or null}`` objects.
Nothing that fails these checks is stored, so the ledger and every read keep working.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from ._data import MINOR_UNITS

MAX_BODY_BYTES = 1024 * 1024
MAX_DEPTH = 32
MAX_AMOUNT = 10**12


class Invalid(Exception):
    """A request field the API rejects with 400."""

    def __init__(self, field_name: str, *errors: str) -> None:
        super().__init__(field_name)
        self.field_name = field_name
        self.errors = list(errors)

    def body(self) -> dict[str, Any]:
        return {"fieldName": self.field_name, "errors": self.errors}


def field_path(parent: str, name: str) -> str:
    """The name a 400 gives a field: ``name`` at the top level (``parent`` is ""), else
    ``parent.name`` ("paymentGatewayAccount.credentials"); never a leading dot."""
    return f"{parent}.{name}" if parent else name


class _NonFinite:
    """What ``NaN`` and ``Infinity`` in a request body parse to, until the check names them."""


_NON_FINITE = _NonFinite()


def _non_finite(_name: str) -> _NonFinite:
    return _NON_FINITE


def parse_body(raw: bytes) -> Any:
    """The request body, parsed and checked (see the module docstring)."""
    if not raw:
        return None
    try:
        data = json.loads(raw, parse_constant=_non_finite)
    except RecursionError:
        raise Invalid("body", f"The body is nested more than {MAX_DEPTH} levels deep.") from None
    except ValueError:
        raise Invalid("body", "The body is not valid JSON (UTF-8).") from None
    check_tree(data)
    return data


def _valid_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _shown(key: str) -> str:
    return key if _valid_text(key) else key.encode("utf-8", "backslashreplace").decode()


def check_tree(data: Any) -> None:
    """Every number finite, every string (and key) valid Unicode, nesting bounded."""
    stack: list[tuple[Any, str, int]] = [(data, "body", 0)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, str):
            if not _valid_text(value):
                raise Invalid(path, "The value is not valid Unicode text (a lone surrogate).")
        elif value is _NON_FINITE or (isinstance(value, float) and not _finite(value)):
            raise Invalid(path, "The value must be a finite number.")
        elif isinstance(value, dict | list):
            if depth >= MAX_DEPTH:
                raise Invalid(path, f"The body is nested more than {MAX_DEPTH} levels deep.")
            if isinstance(value, dict):
                for key, item in value.items():
                    child = field_path("" if path == "body" else path, _shown(key))
                    if not _valid_text(key):
                        raise Invalid(child, "The name is not valid Unicode text.")
                    stack.append((item, child, depth + 1))
            else:
                stack += [(item, f"{path}[{i}]", depth + 1) for i, item in enumerate(value)]


def _finite(value: float) -> bool:
    return value - value == 0.0


def _decimals(value: int | float) -> int:
    if isinstance(value, int):
        return 0
    text = repr(value)
    if "e" in text:
        exponent = Decimal(text).as_tuple().exponent
        return max(0, -exponent) if isinstance(exponent, int) else 0
    return len(text.partition(".")[2].rstrip("0"))


def check_amount(body: dict[str, Any], currency_key: str = "currency") -> float:
    """The amount as a float: a number, finite, > 0, < MAX_AMOUNT, within minor units."""
    value = body.get("amount")
    if value is None:
        raise Invalid("amount", "The amount field is required.")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Invalid("amount", "The amount field must be a number.")
    if isinstance(value, float) and not _finite(value):
        raise Invalid("amount", "The amount must be a finite number.")
    if value <= 0:
        raise Invalid("amount", "The amount must be greater than zero.")
    if value >= MAX_AMOUNT:
        raise Invalid("amount", f"The amount must be below {MAX_AMOUNT:,}.")
    currency = body.get(currency_key)
    # A code the table lacks (refused as a currency after this) is held to two places.
    units = MINOR_UNITS.get(currency, 2) if isinstance(currency, str) else None
    if units is not None and _decimals(value) > units:
        raise Invalid(
            "amount",
            f"{currency} amounts have at most {units} decimal places (ISO 4217 minor units).",
        )
    return float(value)


def check_credentials(credentials: Any, path: str) -> list[dict[str, Any]]:
    """A list of {key, value} objects with string keys and string (or null) values."""
    if credentials is None:
        return []
    if not isinstance(credentials, list):
        raise Invalid(path, "Credentials are a list of {key, value} objects.")
    for i, item in enumerate(credentials):
        if not isinstance(item, dict) or not isinstance(item.get("key"), str):
            raise Invalid(f"{path}[{i}]", "Credentials are a list of {key, value} objects.")
        if not isinstance(item.get("value"), str | None):
            raise Invalid(f"{path}[{i}].value", "A credential value is a string.")
    return credentials


def is_card_number(digits: str) -> bool:
    """ASCII digits only (``str.isdigit`` also accepts other scripts' digits), 12 to 19."""
    return digits.isascii() and digits.isdigit() and 12 <= len(digits) <= 19
