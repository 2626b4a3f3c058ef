"""What the generated facade (``_facade.py``) is built on: operations, resources, raw responses."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Literal, Protocol, TypeVar, cast

import httpx

from ._exceptions import RequestValidationError

T = TypeVar("T")
M = TypeVar("M")

TimeoutTypes = float | httpx.Timeout | None
"""A per-call timeout: seconds, an ``httpx.Timeout``, or None for the client's default."""

RetryClass = Literal["money", "safe", "once"]


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation of the API, as the overlay's policies see it."""

    operation_id: str
    method: str
    path: str
    pattern: re.Pattern[str]
    retry: RetryClass
    success: Literal["object", "array", "empty"]
    checks_result: bool

    @property
    def moves_money(self) -> bool:
        return self.retry == "money"


@dataclass(frozen=True, slots=True)
class ApiResponse(Generic[T]):
    """A successful answer with its raw parts: status, headers (``Location``...), bytes."""

    status_code: int
    headers: httpx.Headers
    content: bytes
    parsed: T
    operation: str

    def __repr__(self) -> str:
        return f"ApiResponse(operation={self.operation!r}, status_code={self.status_code})"


class SyncCaller(Protocol):
    def _request(
        self,
        op: Operation,
        kwargs: dict[str, Any],
        parse: Callable[[Any], T] | None,
        timeout: TimeoutTypes,
        deadline: float | None = None,
    ) -> ApiResponse[T]: ...


class AsyncCaller(Protocol):
    async def _request(
        self,
        op: Operation,
        kwargs: dict[str, Any],
        parse: Callable[[Any], T] | None,
        timeout: TimeoutTypes,
        deadline: float | None = None,
    ) -> ApiResponse[T]: ...


class SyncResource:
    __slots__ = ("_client",)

    def __init__(self, client: SyncCaller) -> None:
        self._client = client

    def _call(
        self,
        op: Operation,
        kwargs: dict[str, Any],
        parse: Callable[[Any], T] | None,
        timeout: TimeoutTypes,
        deadline: float | None = None,
    ) -> ApiResponse[T]:
        return self._client._request(op, kwargs, parse, timeout, deadline)


class AsyncResource:
    __slots__ = ("_client",)

    def __init__(self, client: AsyncCaller) -> None:
        self._client = client

    async def _call(
        self,
        op: Operation,
        kwargs: dict[str, Any],
        parse: Callable[[Any], T] | None,
        timeout: TimeoutTypes,
        deadline: float | None = None,
    ) -> ApiResponse[T]:
        return await self._client._request(op, kwargs, parse, timeout, deadline)


def check_param(name: str, value: object, pattern: re.Pattern[str]) -> str:
    """A path parameter must be a string matching the spec's pattern (no path tricks)."""
    if not isinstance(value, str):
        raise RequestValidationError(
            f"{name} must be a string, got {type(value).__name__}", field=name
        )
    if not pattern.fullmatch(value):
        raise RequestValidationError(
            f"{name} does not match the pattern {pattern.pattern!r} the API requires", field=name
        )
    return value


def check_str_body(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise RequestValidationError("body must be a non-empty string", field="body")
    return value


RequiredFields = tuple[tuple[str, bool, "RequiredFields"], ...]
"""Required request fields, nested: ``(name, required, children)``."""


class _MappingBody:
    """A checked mapping body, sent as given (only ``to_dict`` is asked of a body)."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = data

    def to_dict(self) -> dict[str, Any]:
        return dict(self._data)


def check_required(body: Mapping[str, Any], fields: RequiredFields, prefix: str = "") -> None:
    """Every required field present (not None), nested objects being objects."""
    for name, required, children in fields:
        path = f"{prefix}{name}"
        value = body.get(name)
        if value is None:
            if required:
                raise RequestValidationError(f"{path} is required", field=path)
            continue
        if children:
            if not isinstance(value, Mapping):
                raise RequestValidationError(f"{path} must be an object", field=path)
            check_required(value, children, f"{path}.")


def coerce_body(model: type[M], body: object, required: RequiredFields = ()) -> M:
    """Accept a model instance, or a mapping of the API's field names checked for the required
    fields (and sent as given: building the model only to serialise it again costs more than
    the HTTP call's own client-side work); reject anything else clearly."""
    if isinstance(body, model):
        return body
    if isinstance(body, Mapping):
        check_required(body, required)
        return cast(M, _MappingBody(body))
    raise RequestValidationError(
        f"body must be a {model.__name__} or a mapping, got {type(body).__name__}", field="body"
    )


def parse_list(item: Callable[[Any], M]) -> Callable[[Any], list[M]]:
    def parse(data: Any) -> list[M]:
        return [item(entry) for entry in data]

    return parse
