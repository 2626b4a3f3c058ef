"""What the generated facade (``_generated_facade.py``) is built on: operations, resources,
raw responses, request bodies."""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Concatenate, Generic, Literal, ParamSpec, Protocol, TypeVar

import httpx

from ._exceptions import RequestValidationError
from ._fields import Fields, check_fields

if TYPE_CHECKING:
    from ._retry import RetryPolicy

T = TypeVar("T")
P = ParamSpec("P")
F = TypeVar("F", bound=Callable[..., Any])

TimeoutTypes = float | httpx.Timeout | None
"""A timeout: seconds for the whole call (every try and wait included), an ``httpx.Timeout``
(connect/read/write/pool, for each try), or None for the client's default."""

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
    reported_as: str | None = None  # the operationType a status lookup reports once landed
    found_by: Literal["myRef", "refTransId"] | None = None  # how reconcile looks it up
    lookup: bool = False  # a status lookup: its 409 means "not found (yet)", not a decline

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
        timeout: TimeoutTypes = None,
        *,
        deadline: float | None = None,
        retry: RetryPolicy | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> ApiResponse[T]: ...


class AsyncCaller(Protocol):
    async def _request(
        self,
        op: Operation,
        kwargs: dict[str, Any],
        parse: Callable[[Any], T] | None,
        timeout: TimeoutTypes = None,
        *,
        deadline: float | None = None,
        retry: RetryPolicy | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> ApiResponse[T]: ...


class SyncResource:
    __slots__ = ("_client",)

    def __init__(self, client: SyncCaller) -> None:
        self._client = client


class AsyncResource:
    __slots__ = ("_client",)

    def __init__(self, client: AsyncCaller) -> None:
        self._client = client


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


class Model(Protocol):
    """What the facade asks of a generated request model: its public ``to_dict``."""

    def to_dict(self) -> dict[str, Any]: ...


def json_body(body: object, model: type[Model], fields: Fields) -> dict[str, Any]:
    """The JSON body as a new dict: a model's ``to_dict()``, or a mapping checked against the
    schema's fields (unknown, missing, nested) and copied, so the caller's dict is never
    changed; anything else is rejected clearly."""
    if isinstance(body, Mapping):
        check_fields(body, fields)
        return dict(body)
    if isinstance(body, model):
        return body.to_dict()
    raise RequestValidationError(
        f"body must be a {model.__name__} or a mapping, got {type(body).__name__}", field="body"
    )


def parsed(raw: Callable[Concatenate[Any, P], ApiResponse[T]]) -> Callable[Concatenate[Any, P], T]:
    """The parsed twin of a raw facade method (same parameters, returns ``.parsed``)."""

    def method(self: Any, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return raw(self, *args, **kwargs).parsed

    return _named(method, raw)


def async_parsed(
    raw: Callable[Concatenate[Any, P], Awaitable[ApiResponse[T]]],
) -> Callable[Concatenate[Any, P], Coroutine[Any, Any, T]]:
    """The parsed twin of a raw async facade method."""

    async def method(self: Any, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return (await raw(self, *args, **kwargs)).parsed

    return _named(method, raw)


def _named(method: F, raw: Callable[..., Any]) -> F:
    """The parsed method named, documented and annotated as the raw one, but for its return
    type: ``help()`` and ``inspect.signature`` show ``-> OperationResult``, not
    ``-> ApiResponse[OperationResult]``."""
    method.__name__ = raw.__name__
    method.__qualname__ = raw.__qualname__.replace("Raw.", ".")
    method.__doc__ = raw.__doc__
    method.__module__ = raw.__module__
    annotations = dict(getattr(raw, "__annotations__", {}))
    returned = annotations.get("return")
    if isinstance(returned, str) and returned.startswith("ApiResponse[") and returned.endswith("]"):
        annotations["return"] = returned[len("ApiResponse[") : -1]
    method.__annotations__ = annotations
    signature = inspect.signature(raw)
    method.__signature__ = signature.replace(  # type: ignore[attr-defined]
        return_annotation=annotations.get("return", signature.return_annotation)
    )
    return method


def parse_list(item: Callable[[Any], T]) -> Callable[[Any], list[T]]:
    def parse(data: Any) -> list[T]:
        return [item(entry) for entry in data]

    return parse
