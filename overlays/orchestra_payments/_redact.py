"""The one redactor of every message, repr, log record and exception chain the library shows.

It masks the API keys of live clients and any given per call (also JSON- and bytes-escaped);
card numbers, 12 to 19 digits however spaces, dashes, dots or zero-width characters split them
(``****4242`` stays); security codes in every common phrasing (``"cvv": "123"``, ``cvv=123``,
``CVC2: 1234``, "security code 123", "card verification value 123"); secret fields' values
(``cardNumber``, ``payload``, ``credentials``, ``apiKey``...), also cut off mid-value or in JSON
inside a JSON string; in the errors of one call, every secret string of its request body.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import threading
import weakref
from collections import deque
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote

from ._generated_operations import TOKEN_PATHS

REDACTED = "<redacted>"

_CARD_FIELDS = ("cardNumber", "card_number", "pan", "number")
_CVV_FIELDS = ("cvv", "cvv2", "cvc", "cvc2", "securityCode", "cardSecurityCode")
_TOKEN_FIELDS = ("payload", "clearPayload", "clear_payload", "authenticationValue", "value")
_KEY_FIELDS = ("credentials", "X-Api-Key", "apiKey", "api_key", "apiSecret", "password", "secret")
_SECRET_FIELD_NAMES = (*_CARD_FIELDS, *_CVV_FIELDS, *_TOKEN_FIELDS, *_KEY_FIELDS)
_SECRET_KEYS = frozenset(name.lower() for name in _SECRET_FIELD_NAMES)
_NAMES = "|".join(sorted(_SECRET_FIELD_NAMES, key=len, reverse=True))
# "field": <value>, also escaped one level or more (JSON inside a JSON string), in single quotes
# (Python reprs), and cut off before the value ends (a truncated body).
_FIELD = re.compile(
    rf"""(?P<key>(?<!\w)(?P<kq>\\*["']?)(?:{_NAMES})(?P=kq)\s*[:=]\s*)
    (?P<value>
        "(?:[^"\\\n]|\\.)*(?:"|$|(?=\n))              # "a string" (or cut off)
      | (?P<eq>\\+")(?:(?!(?P=eq)).)*(?:(?P=eq)|$)    # \"an escaped string\"
      | '[^'\n]*(?:'|$|(?=\n))                        # 'a repr string'
      | \[[^\]]*(?:\]|$)                              # [a, list]
      | \{{[^}}]*(?:\}}|$)                            # {{an object}}
      | -?\d(?:[\d.\-]|\s+(?=\d))*                     # 123 4567
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# Security codes in prose, query strings and logs.
_CVV_PHRASE = re.compile(
    r"""(?P<key>(?:cvv2?|cvc2?|cvn2?|cav2|csc|cid
        |card[\s_-]*security[\s_-]*code
        |security[\s_-]*code
        |card[\s_-]*verification(?:[\s_-]*(?:value|code|number|data))?
        |verification[\s_-]*(?:value|code))
        [^\d\n]{0,24}?)
    (?<!\d)\d{3,4}(?!\d)""",
    re.IGNORECASE | re.VERBOSE,
)
# Cheap tests, in ASCII text, of what each costly pattern needs: a card number is 12 digits in
# a row once what may split it (_SEP's characters, \s's ASCII ones) is gone; a security code's
# phrase holds one of these words.
_NO_SEPARATORS = str.maketrans("", "", " \t\n\r\f\v\x1c\x1d\x1e\x1f-.")
_TWELVE_DIGITS = re.compile(r"[0-9]{12}")
_CVV_HINTS = ("cvv", "cvc", "cvn", "cav2", "csc", "cid", "security", "verification")
_SEP = r"[\s\-.\u200b-\u200d\u2060\ufeff]{0,3}"
# Card-number-like runs of digits (any script's digits), split by anything from _SEP.
_PAN = re.compile(rf"(?<!\d)(?:\d{_SEP}){{11,18}}\d(?!\d)")
_NON_DIGITS = re.compile(r"\D")

_SHORT = 8  # shorter secrets are masked only where they stand alone
_known: tuple[str, ...] = ()
_known_lock = threading.Lock()
_counts: dict[str, int] = {}  # secret -> live owners holding it
_released: deque[set[str]] = deque()  # the secrets of owners that are gone
_held: weakref.WeakKeyDictionary[object, set[str]] = weakref.WeakKeyDictionary()


def _spellings(secret: str) -> set[str]:
    """The secret as it may appear in text: plain, JSON-escaped, as Python shows str/bytes."""
    out = {secret, json.dumps(secret)[1:-1], repr(secret)[1:-1]}
    with contextlib.suppress(UnicodeEncodeError):
        out.add(repr(secret.encode())[2:-1])
    return {s for s in out if s}


def register_secret(secret: str, owner: object) -> None:
    """Mask a secret (an API key) in every redaction while ``owner`` (its client) lives; then
    forget it, so a service that builds a client per tenant does not grow the list forever."""
    if not secret:
        return
    with _known_lock:
        changed = _drain()
        held = _held.get(owner)
        if held is None:
            held = _held[owner] = set()
            weakref.finalize(owner, _released.append, held)
        if secret not in held:
            held.add(secret)
            _counts[secret] = _counts.get(secret, 0) + 1
            changed = changed or _counts[secret] == 1
        if changed:
            _rebuild()


def _drain() -> bool:
    """Forget the secrets of owners that are gone (their finalizers only queue them: they may
    run at any point, even inside this module's lock)."""
    gone = False
    while _released:
        for secret in _released.popleft():
            _counts[secret] -= 1
            if not _counts[secret]:
                del _counts[secret]
                gone = True
    return gone


def _rebuild() -> None:
    global _known
    merged: set[str] = set()
    for secret in list(_counts):
        merged |= _spellings(secret)
    # Longest first, so that no shorter spelling leaves a part of a longer one behind.
    _known = tuple(sorted(merged, key=len, reverse=True))


def known_secrets() -> int:
    """How many secrets (of live clients) every redaction masks."""
    with _known_lock:
        if _drain():
            _rebuild()
        return len(_counts)


def _mask_pan(match: re.Match[str]) -> str:
    return "****" + _NON_DIGITS.sub("", match.group())[-4:]


def _mask_field(match: re.Match[str]) -> str:
    value = match.group("value")
    quote = match.group("eq") or (value[0] if value[0] in "\"'" else "")
    return f"{match.group('key')}{quote}{REDACTED}{quote}"


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """Text with the known and given secrets, secret fields, card numbers and CVVs masked."""
    if _released:  # a client has gone since: forget its key
        known_secrets()
    given = tuple(secrets)
    if "%" in text:
        # Echoed percent-encoded (in a URL or a form body): redact the decoded text, which then
        # shows decoded (a message, not a URL to follow).
        decoded = unquote(text)
        if decoded != text and _redact(decoded, given) != decoded:
            text = decoded
    return _redact(text, given)


def _redact(text: str, given: tuple[str, ...]) -> str:
    for secret in (*_known, *given):
        if len(secret) >= _SHORT and secret in text:
            text = text.replace(secret, REDACTED)
        elif len(secret) >= 3 and secret in text:
            # A short secret (a CVV) only where it stands alone: "737" in a reference such as
            # "orc-53adc4737be1e0a2" or in an amount "1737.00" is not the CVV.
            text = re.sub(rf"(?<![0-9A-Za-z]){re.escape(secret)}(?![0-9A-Za-z])", REDACTED, text)
    # The patterns are costly; in ASCII text, each runs only where a cheap test finds a hint.
    lower = text.lower() if text.isascii() else None
    if lower is None or any(name in lower for name in _SECRET_KEYS):
        text = _FIELD.sub(_mask_field, text)
    if lower is None or any(hint in lower for hint in _CVV_HINTS):
        text = _CVV_PHRASE.sub(rf"\g<key>{REDACTED}", text)
    if lower is not None and (
        sum(map(text.count, "0123456789")) < 12
        or not _TWELVE_DIGITS.search(text.translate(_NO_SEPARATORS))
    ):
        return text  # no 12 digits in a row, even with the separators a card number may have
    return _PAN.sub(_mask_pan, text)


def excerpt(content: bytes, secrets: Iterable[str] = (), limit: int = 200) -> str:
    """A short, redacted, single-line excerpt of a response body."""
    text = content[: limit * 4].decode("utf-8", errors="replace")
    text = " ".join(redact_text(text, secrets).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def secrets_in(value: Any, *, _secret: bool = False, _depth: int = 0) -> list[str]:
    """The secret strings of a request body: values of secret fields, card-like numbers."""
    found: list[str] = []
    if _depth > 32:
        return found
    if isinstance(value, dict):
        for key, item in value.items():
            is_secret = _secret or (isinstance(key, str) and key.lower() in _SECRET_KEYS)
            found += secrets_in(item, _secret=is_secret, _depth=_depth + 1)
    elif isinstance(value, list | tuple):
        for item in value:
            found += secrets_in(item, _secret=_secret, _depth=_depth + 1)
    elif isinstance(value, str) and _secret:
        found.append(value)
        digits = _NON_DIGITS.sub("", value)
        if digits and digits != value:
            found.append(digits)
    elif _secret and isinstance(value, int | float) and not isinstance(value, bool):
        found.append(str(value))
    return found


# --- exception chains -------------------------------------------------------------------------
def _safe_arg(arg: object, secrets: tuple[str, ...]) -> object:
    if isinstance(arg, str):
        return redact_text(arg, secrets)
    if arg is None or isinstance(arg, bool | int | float):
        return arg
    return redact_text(repr(arg), secrets)


def _leaks(exc: BaseException, secrets: tuple[str, ...]) -> bool:
    try:
        shown = f"{exc}\n{exc!r}"
    except Exception:  # a broken __str__ shows nothing useful either
        return True
    return redact_text(shown, secrets) != shown


def _scrub_one(
    exc: BaseException, secrets: tuple[str, ...], *, ours: bool = False
) -> BaseException:
    """The exception with its arguments, notes and (unless ours) attributes redacted, or a
    stand-in when that is not enough: a ``UnicodeError`` keeps the whole text it failed on,
    others may show more than their arguments."""
    if isinstance(exc, UnicodeError) and not ours:
        return _stand_in(exc)
    try:
        exc.args = tuple(_safe_arg(arg, secrets) for arg in exc.args)
        notes = getattr(exc, "__notes__", None)
        if isinstance(notes, list):
            exc.__notes__ = [redact_text(str(n), secrets) for n in notes]
        if not ours:
            # An httpx error keeps its request (and so the body) in ``_request``.
            for name, value in list(vars(exc).items()):
                if isinstance(value, str):
                    setattr(exc, name, redact_text(value, secrets))
                elif not (value is None or isinstance(value, bool | int | float)):
                    setattr(exc, name, None)
    except (AttributeError, TypeError):
        pass
    return exc if ours or not _leaks(exc, secrets) else _stand_in(exc)


class Redacted(Exception):
    """Stands in a cause chain for an exception that showed a secret (the client's
    ``RedactedError``, an ``OrchestraError``, takes its place: ``stand_in_with``)."""


STAND_IN: list[type[BaseException]] = [Redacted]


def stand_in_with(kind: type[BaseException]) -> None:
    STAND_IN[0] = kind


def _stand_in(exc: BaseException) -> BaseException:
    stand_in = STAND_IN[0](f"{type(exc).__module__}.{type(exc).__qualname__} (details redacted)")
    stand_in.__traceback__ = exc.__traceback__
    stand_in.__cause__, stand_in.__context__ = exc.__cause__, exc.__context__
    stand_in.__suppress_context__ = exc.__suppress_context__
    return stand_in


def scrub_exception(exc: BaseException, secrets: Iterable[str] = ()) -> None:
    """Redact ``exc`` and its whole cause/context chain in place; a link whose exception
    would still show a secret is replaced by a stand-in naming its type."""
    given = tuple(s for s in secrets if s)
    _scrub_one(exc, given, ours=True)
    cleaned: dict[int, BaseException] = {id(exc): exc}
    stack = [exc]
    while stack:
        node = stack.pop()
        for attr in ("__cause__", "__context__"):
            child = getattr(node, attr)
            if child is None:
                continue
            clean = cleaned.get(id(child))
            if clean is None:
                clean = _scrub_one(child, given)
                cleaned[id(child)] = clean
                stack.append(clean)
            setattr(node, attr, clean)


# --- logging ----------------------------------------------------------------------------------
# Named, as they may not exist yet when the filter is installed.
_LOGGERS = ("orchestra_payments", "httpx", "hpack.hpack", "hpack.table", "h2.connection")
_HTTPCORE = tuple(f"httpcore.{m}" for m in ("connection", "http11", "http2", "proxy", "socks"))
_PREFIXES = ("orchestra_payments", "httpx", "httpcore", "hpack", "h2")
_installed = False
# A string token's id is the handle of a vaulted card number, and httpx logs every request's
# URL at INFO (``HTTP Request: GET https://.../StringTokens/<id> ...``): the filter masks it.
_TOKEN_ID = re.compile(
    "(" + "|".join(re.escape(prefix) for prefix in TOKEN_PATHS) + r")(?!<redacted>)[^/?#\s\"'<>]+"
    if TOKEN_PATHS
    else r"(?!)"
)


def redact_token_ids(text: str) -> str:
    return _TOKEN_ID.sub(rf"\g<1>{REDACTED}", text)


class RedactingFilter(logging.Filter):
    """Redacts a log record's message (httpcore logs its exceptions' messages at DEBUG)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: show its template only
            message = str(record.msg)
        clean = redact_token_ids(redact_text(message))
        if clean != message or record.args:
            record.msg, record.args = clean, None
        if record.exc_info and record.exc_info[1] is not None:
            scrub_exception(record.exc_info[1])
            record.exc_text = None
        return True


_FILTER = RedactingFilter()


def install_log_filter() -> None:
    """Once per process (the first client built): put the redacting filter on the loggers of
    this library and httpx/httpcore, each one (a parent's filter misses its children's records)."""
    global _installed
    if _installed:
        return
    with _known_lock:
        _installed = True
        existing = [
            name
            for name, logger in list(logging.root.manager.loggerDict.items())
            if isinstance(logger, logging.Logger) and name.startswith(_PREFIXES)
        ]
        for name in (*_LOGGERS, *_HTTPCORE, *existing):
            logger = logging.getLogger(name)
            if _FILTER not in logger.filters:
                logger.addFilter(_FILTER)


def shows_secret(content: bytes, secrets: tuple[str, ...]) -> bool:
    """Whether a JSON body may show a secret once parsed: one pass over the raw text (cheaper
    than each parsed field). A body with escapes always may: ``\\u0020`` can split a card
    number in the raw text that the parsed value joins."""
    if b"\\" in content:
        return True
    text = content.decode("utf-8", "replace")
    return redact_text(text, secrets) != text


def scrub_model(value: Any, secrets: Iterable[str] = (), _depth: int = 0) -> None:
    """Redact in place the text of a parsed answer (attrs models, lists, additional_properties):
    a server echoing the request into a result field must not put a secret in its repr."""
    if _depth > 16 or value is None:
        return
    if isinstance(value, list):
        for item in value:
            scrub_model(item, secrets, _depth + 1)
        return
    given = tuple(secrets)
    for attribute in getattr(type(value), "__attrs_attrs__", ()):
        item = getattr(value, attribute.name, None)
        if isinstance(item, str):
            clean = redact_text(item, given)
            if clean != item:
                setattr(value, attribute.name, clean)
        elif isinstance(item, dict):
            for key, inner in list(item.items()):
                if isinstance(inner, str):
                    item[key] = redact_text(inner, given)
                else:
                    scrub_model(inner, given, _depth + 1)
        else:
            scrub_model(item, given, _depth + 1)
