"""The request encoder, property by property: what httpx would send, or a named refusal."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orchestra_payments import RequestValidationError
from orchestra_payments._pipeline import encode_json

KEYS = st.text(alphabet=st.characters(codec="utf-8"), max_size=6)
LEAVES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.characters(codec="utf-8"), max_size=10)
)
JSON = st.recursive(
    LEAVES,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3),
    max_leaves=12,
)
BAD = st.sampled_from(
    [math.nan, math.inf, -math.inf, "a\ud800", "\udfff", {1, 2}, b"x", Decimal("NaN"), object()]
)


@settings(max_examples=60, deadline=None)
@given(body=st.dictionaries(KEYS, JSON, max_size=4))
def test_a_valid_body_is_encoded_exactly_as_httpx_would(body: dict[str, Any]) -> None:
    assert encode_json(body) == httpx.Request("POST", "https://x.test", json=body).content


def _plant(tree: Any, path: list[int], bad: Any) -> tuple[Any, str]:
    """``tree`` wrapped so that ``bad`` sits under a known path; the path as the encoder says."""
    node: Any = bad
    name = ""
    for step in reversed(path):
        if step % 2:
            node = [tree, node]
            name = f"[1]{name}"
        else:
            node = {"k": tree, "bad": node}
            name = f".bad{name}"
    body = {"field": node, "other": tree}
    return body, f"field{name}"


@settings(max_examples=60, deadline=None)
@given(tree=JSON, path=st.lists(st.integers(0, 1), max_size=4), bad=BAD)
def test_a_bad_value_anywhere_is_refused_by_its_path(tree: Any, path: list[int], bad: Any) -> None:
    body, field = _plant(tree, path, bad)
    with pytest.raises(RequestValidationError) as info:
        encode_json(body)
    assert info.value.field == field


@settings(max_examples=60, deadline=None)
@given(digits=st.integers(1, 10**30), exponent=st.integers(-12, 6))
def test_a_decimal_goes_out_as_its_own_text(digits: int, exponent: int) -> None:
    amount = Decimal(digits).scaleb(exponent)
    sent = encode_json({"amount": amount})
    assert sent == f'{{"amount":{amount}}}'.encode()
    assert json.loads(sent, parse_float=Decimal, parse_int=Decimal)["amount"] == amount
