"""Request bodies to bytes, checked before anything is sent.

The body is encoded once, the way httpx would encode ``json=`` (compact, UTF-8). Only when that
fails is the structure walked, to name the field and to encode what the fast path cannot:
``Decimal`` amounts go out as their exact number text, never through a float. A value JSON
cannot carry is a ``RequestValidationError`` naming the field; the message never shows the
value (it may be a card number).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ._constants import API_KEY_HEADER
from ._exceptions import RequestValidationError
from ._generated_params import MINOR_UNITS
from ._redact import register_secret

_DUMPS = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode
MAX_DEPTH = 64

_CURRENCY_FIELDS = ("currency", "currencyCode")
_KEY_HEADER = API_KEY_HEADER.lower()


def _fail(path: str, why: str) -> RequestValidationError:
    return RequestValidationError(f"{path}: {why}; nothing was sent", field=path)


def _key(key: object, path: str) -> str:
    """A mapping key as json.dumps would write it (str, or a number/bool/None made text)."""
    if isinstance(key, str):
        return key
    if key is None or isinstance(key, bool):
        return json.dumps(key)
    if isinstance(key, int):
        return int.__repr__(key)
    if isinstance(key, float) and math.isfinite(key):
        return float.__repr__(key)
    raise _fail(path, f"a key of type {type(key).__name__} cannot be sent as JSON")


def _text(value: str, path: str) -> str:
    # Errors are raised outside the except blocks: the caught exception holds the value.
    position = -1
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        position = exc.start
    if position >= 0:
        raise _fail(path, f"not valid Unicode text (a lone surrogate at position {position})")
    return _DUMPS(value)


def _walk(value: Any, path: str, out: list[str], active: set[int], depth: int) -> None:
    if value is None:
        out.append("null")
    elif value is True or value is False:
        out.append("true" if value else "false")
    elif isinstance(value, str):
        out.append(_text(value, path))
    elif isinstance(value, int):
        if value.bit_length() > 4000:  # past int-to-text limits; no amount is this large
            raise _fail(path, "the integer is too large to send")
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise _fail(path, "must be a finite number (NaN and infinity cannot be sent)")
        out.append(float.__repr__(value))
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise _fail(path, "must be a finite number (NaN and infinity cannot be sent)")
        out.append(str(value))
    elif isinstance(value, Mapping | list | tuple):
        if depth >= MAX_DEPTH:
            raise _fail(path, f"nested more than {MAX_DEPTH} levels deep")
        if id(value) in active:
            raise _fail(path, "contains itself (a circular reference)")
        active.add(id(value))
        if isinstance(value, Mapping):
            out.append("{")
            for i, (key, item) in enumerate(value.items()):
                name = _key(key, path)
                shown = name.encode("utf-8", "backslashreplace").decode("utf-8")
                child = shown if path == "body" else f"{path}.{shown}"
                out.append(("," if i else "") + _text(name, child) + ":")
                _walk(item, child, out, active, depth + 1)
            out.append("}")
        else:
            out.append("[")
            for i, item in enumerate(value):
                if i:
                    out.append(",")
                _walk(item, f"{path}[{i}]", out, active, depth + 1)
            out.append("]")
        active.discard(id(value))
    else:
        raise _fail(path, f"a {type(value).__name__} cannot be sent as JSON")


def encode_json(body: Any) -> bytes:
    """The body as compact UTF-8 JSON, or ``RequestValidationError`` naming the bad field."""
    try:
        return _DUMPS(body).encode("utf-8")
    except (TypeError, ValueError, RecursionError):
        pass
    out: list[str] = []
    _walk(body, "body", out, set(), 0)
    return "".join(out).encode("utf-8")


def _decimals(amount: float | Decimal) -> int:
    if isinstance(amount, float):
        text = float.__repr__(amount)
        if "e" in text or "E" in text:
            return _decimals(Decimal(text))
        return len(text.partition(".")[2].rstrip("0"))
    _sign, digits, exponent = amount.as_tuple()
    if not isinstance(exponent, int):
        return 0
    zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return max(0, -(exponent + zeros))


def check_minor_units(body: Any) -> None:
    """An amount with more decimals than its currency has minor units (ISO 4217) would be
    rounded somewhere down the line, or refused: refuse it here, before sending."""
    if not isinstance(body, Mapping):
        return
    amount = body.get("amount")
    if not isinstance(amount, float | Decimal):
        return
    for name in _CURRENCY_FIELDS:
        currency = body.get(name)
        if isinstance(currency, str):
            break
    else:
        return
    units = MINOR_UNITS.get(currency)
    if units is None:
        return
    if isinstance(amount, float) and round(amount, units) == amount:
        return
    places = _decimals(amount)
    if places > units:
        raise _fail(
            "amount",
            f"{currency} has {units} decimal place{'s' if units != 1 else ''} (ISO 4217 minor "
            f"units) and the amount has {places}; round it first",
        )


def check_headers(headers: Mapping[str, Any], owner: object) -> None:
    """Header values go on the wire as they are: printable ASCII (and spaces) only. The message
    names the header, never its value (it may be an API key). A key given per call joins the
    redactor's secrets for as long as ``owner`` (the client) lives."""
    for name, value in headers.items():
        if isinstance(value, str) and name.lower() == _KEY_HEADER:
            register_secret(value, owner)
        if not isinstance(value, str):
            raise _fail(f"header {name}", f"must be a string, not {type(value).__name__}")
        if not value.isascii() or not value.isprintable():
            raise _fail(f"header {name}", "contains a control or non-ASCII character")
