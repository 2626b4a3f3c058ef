"""The TLS context the client's own transports share."""

from __future__ import annotations

import functools
import ssl

import httpx


@functools.cache
def default_tls() -> ssl.SSLContext:
    """One TLS context for every client, pool and event loop of the process: loading the CA
    bundle costs some 20 to 40 ms each time (httpx makes one per transport)."""
    return httpx.create_ssl_context()
