"""Cassettes: scrubbing at record time, readable JSON bodies, body matching, the secret scan.

Scrubbing runs in ``before_record_request`` / ``before_record_response``. vcrpy applies the
request hook to live requests before matching too, so a replayed request is compared in its
scrubbed form and nothing vcrpy prints on a mismatch can hold a card number or a key.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

STABLE_ORIGIN = "https://api.orchestra.test"
SCRUBBED = "<scrubbed>"
RECORDED_AGAINST: dict[str, str] = {"target": "unknown"}

SECRET_VALUE_FIELDS = {"payload", "clearPayload", "cvv", "securityCode", "authenticationValue"}
CARD_FIELDS = {"cardNumber", "number"}
UNSTABLE_HEADERS = {
    "date",
    "server",
    "content-length",
    "user-agent",
    "connection",
    "accept-encoding",
    "accept",
    "host",
}
_PAN = re.compile(r"(?<!\d)\d{13,19}(?!\d)")
_ORIGIN = re.compile(r"^https?://[^/]+")


def luhn(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def mask_card(value: str) -> str:
    if value.startswith("@") or len(value) < 4:
        return value
    return "*" * (len(value) - 4) + value[-4:]


def scrub_json(value: Any) -> Any:
    """Replace secrets in a decoded JSON value (cards masked to the last four digits)."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key in SECRET_VALUE_FIELDS and isinstance(item, str) and not item.startswith("@"):
                out[key] = SCRUBBED
            elif key in CARD_FIELDS and isinstance(item, str):
                out[key] = mask_card(item)
            elif key == "credentials" and isinstance(item, list):
                out[key] = [
                    {**c, "value": SCRUBBED} if isinstance(c, dict) and c.get("value") else c
                    for c in item
                ]
            else:
                out[key] = scrub_json(item)
        return out
    if isinstance(value, list):
        return [scrub_json(v) for v in value]
    if isinstance(value, str):
        return _PAN.sub(lambda m: mask_card(m.group()) if luhn(m.group()) else m.group(), value)
    return value


def _scrub_body(body: bytes | str | None) -> bytes | str | None:
    if not body:
        return body
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    try:
        data = json.loads(text)
    except ValueError:
        return _PAN.sub(lambda m: mask_card(m.group()), text).encode()
    return json.dumps(scrub_json(data), separators=(",", ":")).encode()


def before_record_request(request: Any) -> Any:
    request.uri = _ORIGIN.sub(STABLE_ORIGIN, request.uri)
    for key in list(request.headers):
        if key.lower() in UNSTABLE_HEADERS:
            del request.headers[key]
        elif key.lower() == "x-api-key":
            request.headers[key] = "REDACTED"
    request.body = _scrub_body(request.body)
    return request


def before_record_response(response: dict[str, Any]) -> dict[str, Any]:
    headers = {k: v for k, v in response["headers"].items() if k.lower() not in UNSTABLE_HEADERS}
    for key, values in headers.items():
        if key.lower() == "location":
            headers[key] = [_ORIGIN.sub(STABLE_ORIGIN, v) for v in values]
    response["headers"] = headers
    body = response.get("body", {}).get("string")
    response["body"] = {"string": _scrub_body(body) if body else body}
    return response


def json_body_matcher(r1: Any, r2: Any) -> None:
    """Bodies match when they decode to the same JSON (or are the same bytes).

    The assertion message names no values: vcrpy prints it on a mismatch."""
    b1, b2 = r1.body or b"", r2.body or b""
    try:
        same = json.loads(b1) == json.loads(b2) if b1 and b2 else b1 == b2
    except ValueError:
        same = b1 == b2
    if not same:
        raise AssertionError("request bodies differ (values not shown)")


class ReadableSerializer:
    """YAML cassettes whose JSON bodies are stored as YAML structures, with their origin."""

    @staticmethod
    def serialize(cassette: dict[str, Any]) -> str:
        out = {
            "recorded_against": RECORDED_AGAINST["target"],
            "interactions": [],
            "version": cassette.get("version", 1),
        }
        for interaction in cassette["interactions"]:
            item = json.loads(json.dumps(interaction, default=_bytes_to_str))
            # One value per request header reads (and scans) as `name: value`.
            item["request"]["headers"] = {
                k: v[0] if isinstance(v, list) and len(v) == 1 else v
                for k, v in item["request"].get("headers", {}).items()
            }
            _to_json_field(item["request"], "body")
            _to_json_field(item["response"]["body"], "string")
            out["interactions"].append(item)
        return yaml.safe_dump(out, sort_keys=False, allow_unicode=True, width=100)

    @staticmethod
    def deserialize(text: str) -> dict[str, Any]:
        data = yaml.safe_load(text) or {}
        for item in data.get("interactions", []):
            _from_json_field(item["request"], "body")
            _from_json_field(item["response"]["body"], "string")
        return {"interactions": data.get("interactions", []), "version": data.get("version", 1)}


def _bytes_to_str(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    raise TypeError(type(value))


def _to_json_field(holder: dict[str, Any], key: str) -> None:
    value = holder.get(key)
    if isinstance(value, str) and value:
        try:
            parsed = json.loads(value)
        except ValueError:
            return
        del holder[key]
        holder["json"] = parsed


def _from_json_field(holder: dict[str, Any], key: str) -> None:
    if "json" in holder:
        holder[key] = json.dumps(holder.pop("json"), separators=(",", ":")).encode()
    elif isinstance(holder.get(key), str):
        holder[key] = holder[key].encode()


# --- the secret scan ------------------------------------------------------------------------

_CVV_WITH_DIGITS = re.compile(r"(?i)\b(cvv|cvc|securityCode)['\"]?\s*[:=]\s*['\"]?\d{3,4}")
# The same pattern the repository's before-stop hook uses, so both judge a cassette alike.
_KEY_VALUE = re.compile(r"(?i)x-api-key['\"]?\s*[:=]\s*\[?\s*['\"]?([^'\"\s\]]+)")


def scan_text(text: str, *, keys: tuple[str, ...] = ()) -> list[str]:
    """What a cassette must never hold: Luhn-valid 13-19 digit numbers, CVVs with digits, keys."""
    problems = [
        f"card-like number ending {m.group()[-4:]}" for m in _PAN.finditer(text) if luhn(m.group())
    ]
    problems += [f"{m.group(1)} with digits" for m in _CVV_WITH_DIGITS.finditer(text)]
    for m in _KEY_VALUE.finditer(text):
        if m.group(1).upper() not in {"REDACTED", "<REDACTED>"}:
            problems.append("an X-Api-Key value")
    problems += ["a known API key" for key in keys if key and key in text]
    return problems


def scan_cassettes(root: Path, *, keys: tuple[str, ...] = ()) -> dict[str, list[str]]:
    found = {}
    for path in sorted(root.rglob("*.yaml")):
        problems = scan_text(path.read_text(), keys=keys)
        if problems:
            found[str(path.relative_to(root))] = problems
    return found
