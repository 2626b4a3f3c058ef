"""Redaction of secrets from text the library shows: messages, logs, excerpts."""

from __future__ import annotations

import re
from collections.abc import Iterable

_SECRET_FIELD_NAMES = (
    "cardNumber",
    "cvv",
    "securityCode",
    "number",
    "payload",
    "clearPayload",
    "authenticationValue",
    "value",
    "credentials",
    "X-Api-Key",
    "apiKey",
)
_SECRET_FIELDS = "|".join(_SECRET_FIELD_NAMES)
# "field": "value" and "field": [ ... ] in JSON-ish text.
_FIELD_STRING = re.compile(rf'("(?:{_SECRET_FIELDS})"\s*:\s*)"(?:[^"\\]|\\.)*"', re.IGNORECASE)
_FIELD_LIST = re.compile(rf'("(?:{_SECRET_FIELDS})"\s*:\s*)\[[^\]]*\]', re.IGNORECASE)
# key=value forms of security codes outside JSON (query strings, HTML, logs).
_CVV_PAIR = re.compile(
    r"((?:cvv2?|cvc2?|security_?code)[\"']?\s*[:=]?\s*[\"']?)\d{3,4}(?!\d)", re.I
)
# Card-number-like runs of digits, optionally split by spaces or dashes.
_PAN = re.compile(r"(?<!\d)(?:\d[ -]?){11,18}\d(?!\d)")
EXCERPT_LIMIT = 200


def _mask_pan(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group())
    return "*" * 4 + digits[-4:]


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """Text with secret JSON fields, card-like numbers and the given secrets replaced."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "<redacted>")
    text = _FIELD_STRING.sub(r'\1"<redacted>"', text)
    text = _FIELD_LIST.sub(r'\1"<redacted>"', text)
    text = _CVV_PAIR.sub(r"\1<redacted>", text)
    return _PAN.sub(_mask_pan, text)


def excerpt(content: bytes, secrets: Iterable[str] = (), limit: int = EXCERPT_LIMIT) -> str:
    """A short, redacted, single-line excerpt of a response body."""
    text = content[: limit * 4].decode("utf-8", errors="replace")
    text = " ".join(redact_text(text, secrets).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
