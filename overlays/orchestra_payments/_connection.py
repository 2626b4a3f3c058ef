"""What went wrong on the wire, in words: the host and the operating system's reason.

httpx's own message is often just the exception's class, or ``[Errno -2] ...`` buried in a
chain; a reader needs "could not connect to api.example.com: Name or service not known".
"""

from __future__ import annotations

import httpx

from ._redact import redact_text


def _reason(exc: BaseException) -> str:
    """The innermost operating-system reason in the chain, else httpx's message (redacted: a
    transport's message may quote what it was sending)."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, OSError) and cause.strerror:
            return str(cause.strerror)
        cause = cause.__cause__ or cause.__context__
    text = str(exc).strip()
    if text.startswith("[Errno") and "] " in text:
        text = text.split("] ", 1)[1]
    return redact_text(text) or type(exc).__name__


def describe_failure(exc: httpx.TransportError, request: httpx.Request | None) -> str:
    """One line naming the host and why no answer came: for messages and logs."""
    host = request.url.netloc.decode("ascii", "replace") if request is not None else "Orchestra"
    reason = _reason(exc)
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout):
        return f"could not connect to {host}: {reason}"
    if isinstance(exc, httpx.PoolTimeout):
        return f"no free connection to {host} in time (all pooled connections busy)"
    if isinstance(exc, httpx.TimeoutException):
        return f"no answer from {host} in time: {reason}"
    return f"the connection to {host} failed: {reason}"
