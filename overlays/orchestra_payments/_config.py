"""Client settings from arguments and the environment, checked once at construction."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass

import httpx

from ._constants import DEFAULT_BASE_URL
from ._exceptions import ConfigurationError

_LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}


@dataclass(frozen=True, slots=True)
class Settings:
    api_key: str
    base_url: str

    def __repr__(self) -> str:
        return f"Settings(base_url={self.base_url!r}, api_key=<redacted>)"


def _is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_api_key(key: object) -> str:
    """An API key is sent as a header value: printable ASCII only. Messages never echo it."""
    if not isinstance(key, str):
        raise ConfigurationError(f"The API key must be a string, not {type(key).__name__}.")
    if key != key.strip() or any(ch in key for ch in "\r\n\t "):
        raise ConfigurationError("The API key contains whitespace; check how it was loaded.")
    bad = next((i for i, ch in enumerate(key) if not "!" <= ch <= "~"), None)
    if bad is not None:
        control = ord(key[bad]) < 32 or ord(key[bad]) == 127
        what = "a control character" if control else "a character outside printable ASCII"
        raise ConfigurationError(
            f"The API key contains {what} (at position {bad} of {len(key)}); "
            "check how it was loaded."
        )
    return key


def resolve_settings(api_key: str | None, base_url: str | None) -> Settings:
    key = api_key if api_key is not None else os.environ.get("ORCHESTRA_API_KEY")
    if key is None or (isinstance(key, str) and not key.strip()):
        raise ConfigurationError(
            "No API key: pass Orchestra(api_key=...) or set ORCHESTRA_API_KEY."
        )
    check_api_key(key)
    url = base_url
    if url is None:
        env_base = os.environ.get("ORCHESTRA_BASE_URL") or None
        env_api = os.environ.get("ORCHESTRA_API_URL") or None
        if env_base and env_api and env_base.rstrip("/") != env_api.rstrip("/"):
            raise ConfigurationError(
                "ORCHESTRA_BASE_URL and ORCHESTRA_API_URL are both set and disagree; "
                "unset one of them or pass base_url=..."
            )
        url = env_base or env_api or DEFAULT_BASE_URL
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise ConfigurationError(f"base_url {url!r} is not a URL") from exc
    if parsed.scheme not in ("https", "http") or not parsed.host:
        raise ConfigurationError(f"base_url {url!r} must be an https:// URL")
    if parsed.scheme == "http" and not _is_loopback(parsed.host):
        raise ConfigurationError(
            f"Refusing to send the API key over plain http:// to {parsed.host}: use https://, "
            "or a loopback address (127.0.0.1, localhost) for a local sandbox."
        )
    return Settings(api_key=key, base_url=str(parsed).rstrip("/"))
