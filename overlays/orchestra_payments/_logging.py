"""String-token ids never reach a log: a filter on this library's logger and on httpx's.

A string token id is the handle of a vaulted card number. httpx logs every request at INFO
(``HTTP Request: GET https://.../StringTokens/<id> "HTTP/1.1 200 OK"``), so a client installs
this filter on the ``httpx`` logger as well as on ``orchestra_payments``: the id in a logged
URL becomes ``<redacted>``. A logger's filter sees the records logged on that logger, so an
application's handlers receive them already redacted.
"""

from __future__ import annotations

import logging
import re

from ._generated_facade import OPERATIONS

LOGGER_NAMES = ("orchestra_payments", "httpx")
REDACTED = "<redacted>"

# The path segment of every operation that takes a string token: "/StringTokens/{token}".
_TOKEN_PREFIXES = sorted(
    {op.path.split("{token}", 1)[0] for op in OPERATIONS if "{token}" in op.path}
)
_TOKEN_ID = re.compile(
    "("
    + "|".join(re.escape(prefix) for prefix in _TOKEN_PREFIXES)
    + r")(?!<redacted>)[^/?#\s\"'<>]+"
    if _TOKEN_PREFIXES
    else r"(?!)"
)


def redact_token_ids(text: str) -> str:
    """Text with the token id in every string-token URL or path replaced by ``<redacted>``."""
    return _TOKEN_ID.sub(rf"\g<1>{REDACTED}", text)


class TokenIdFilter(logging.Filter):
    """Rewrites a record whose message shows a string-token id; never drops one."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_token_ids(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


_FILTER = TokenIdFilter()


def install_log_redaction() -> None:
    """Idempotent: a logger holds a given filter once."""
    for name in LOGGER_NAMES:
        logging.getLogger(name).addFilter(_FILTER)
