"""String-token ids never reach a log: a rule of the one log redactor (``_redact``).

A string token id is the handle of a vaulted card number. httpx logs every request at INFO
(``HTTP Request: GET https://.../StringTokens/<id> "HTTP/1.1 200 OK"``), so a client installs
this rule with the redacting filter on the ``orchestra_payments``, ``httpx`` and ``httpcore``
loggers: the id in a logged URL becomes ``<redacted>``. A logger's filter sees the records
logged on that logger, so an application's handlers receive them already redacted.
"""

from __future__ import annotations

import re

from ._generated_facade import OPERATIONS

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
