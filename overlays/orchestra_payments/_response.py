"""From an HTTP answer to a parsed success or a typed exception: the one mapping place."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import httpx

from ._base import ApiResponse, Operation
from ._constants import API_KEY_HEADER, ATTEMPTS_EXTENSION, JSON_EXTENSION
from ._exceptions import (
    AuthenticationError,
    BadRequestError,
    GatewayError,
    GatewayRejectedError,
    GatewayUnavailableError,
    NotFoundError,
    OrchestraError,
    RateLimitError,
    TransactionNotFoundError,
    UnexpectedResponseError,
)
from ._outcome import outcome_unknown
from ._redact import excerpt, redact_text

T = TypeVar("T")
_MODEL_ERRORS = (KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError)
# Result codes that say a money-moving operation did not succeed. Any other code the generated
# model knows (a value the vendor added, taken with a reviewed regeneration) is returned as data;
# a code the model does not know is an unknown outcome.
_FAILURE_CODES = frozenset({"Rejected", "NotImplemented", "FatalFailure", "TemporaryFailure"})
_NO_BODY = object()


def _json(response: httpx.Response) -> Any:
    if JSON_EXTENSION in response.extensions:  # parsed once by the retry transport
        return response.extensions[JSON_EXTENSION]
    if not response.content:
        return _NO_BODY
    try:
        return json.loads(response.content)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return _NO_BODY


def _attempts(response: httpx.Response) -> int:
    value = response.extensions.get(ATTEMPTS_EXTENSION, 1)
    return value if isinstance(value, int) else 1


def _excerpt(response: httpx.Response) -> str:
    key = response.request.headers.get(API_KEY_HEADER, "")
    return excerpt(response.content, secrets=(key,))


def _unusable(
    op: Operation, response: httpx.Response, why: str, result: Any = None
) -> OrchestraError:
    """A 2xx (or undocumented) answer that cannot be trusted as a result."""
    status = response.status_code
    if op.moves_money:
        return outcome_unknown(
            op, response.request, f"HTTP {status} but {why}", status_code=status, result=result
        )
    shown = _excerpt(response)
    return UnexpectedResponseError(
        f"{op.operation_id}: HTTP {status}, {why}: {shown!r}",
        operation=op.operation_id,
        status_code=status,
        excerpt=shown,
    )


def _parse_result(body: Any) -> Any:
    if not isinstance(body, dict):
        return None
    from orchestra_api.models.operation_result import OperationResult

    try:
        return OperationResult.from_dict(body)
    except _MODEL_ERRORS:
        return None


def make_status_error(op: Operation, response: httpx.Response) -> OrchestraError:
    """The exception for a non-2xx answer (every status maps here and nowhere else)."""
    status = response.status_code
    body = _json(response)
    body_value = None if body is _NO_BODY else body
    name = op.operation_id
    common: dict[str, Any] = {"operation": name, "response": response, "body": body_value}
    if status == 400:
        field = body.get("fieldName") if isinstance(body, dict) else None
        raw_errors = body.get("errors") if isinstance(body, dict) else None
        errors = [str(e) for e in raw_errors] if isinstance(raw_errors, list) else []
        detail = "; ".join(errors) or "no detail"
        return BadRequestError(
            redact_text(f"{name}: bad request: {field or 'request'}: {detail}"),
            field_name=field if isinstance(field, str) else None,
            errors=errors,
            **common,
        )
    if status == 401:
        return AuthenticationError(f"{name}: the API key was refused (401)", **common)
    if status == 404:
        return NotFoundError(f"{name}: not found (404)", **common)
    if status == 409 and op.lookup:  # "no such transaction (yet)", not a decline
        result = _parse_result(body)
        code = getattr(result, "gateway_result_code", None)
        return TransactionNotFoundError(
            redact_text(
                f"{name}: the gateway found no such transaction (yet) (gateway code {code!r}); "
                f"this is not a decline: payment_gateway.reconcile asks again over a bounded wait"
            ),
            result=result,
            **common,
        )
    if status == 409 and op.moves_money and _parse_result(body) is None:
        # Orchestra's 409 carries the gateway's OperationResult; one without it comes from
        # something else (a proxy), after the request may have been forwarded.
        return outcome_unknown(
            op,
            response.request,
            "HTTP 409 without the gateway's OperationResult (from a proxy?)",
            status_code=status,
        )
    if status == 409:
        result = _parse_result(body)
        code = getattr(result, "gateway_result_code", None)
        desc = getattr(result, "gateway_result_description", None)
        gateway = f"gateway code {code!r}: {desc}" if result else "no result body"
        return GatewayRejectedError(
            redact_text(f"{name}: rejected by the payment gateway ({gateway})"),
            result=result,
            **common,
        )
    if status >= 500 and op.moves_money:
        # Orchestra's 500 and 503 carry no documented body, so they cannot be told apart from
        # a proxy's (a mesh or egress proxy that forwarded the request, then lost the answer):
        # the money may have moved.
        return outcome_unknown(
            op,
            response.request,
            f"HTTP {status} from Orchestra or a proxy in front of it (not retried: the request "
            f"may have been forwarded)",
            status_code=status,
        )
    if status == 500:
        return GatewayError(f"{name}: the payment gateway failed (500)", **common)
    if status == 503:
        attempts = _attempts(response)
        return GatewayUnavailableError(
            f"{name}: the payment gateway is temporarily unavailable (503) after "
            f"{attempts} attempt{'s' if attempts != 1 else ''}",
            attempts=attempts,
            **common,
        )
    if status == 429:
        attempts = _attempts(response)
        return RateLimitError(
            f"{name}: rate limited (429) after {attempts} attempt{'s' if attempts != 1 else ''}; "
            f"nothing was processed",
            attempts=attempts,
            **common,
        )
    return _unusable(op, response, "an undocumented status")


def _known_code(result: Any) -> bool:
    """Whether the parsed result's code is a value of the generated ``ResultCode``."""
    code = getattr(result, "operation_result_code", None)
    return code is not None and not getattr(code, "is_unknown", True)


def _result_error(
    op: Operation, response: httpx.Response, result: Any, code: str
) -> OrchestraError:
    """A 2xx whose OperationResult says the operation did not succeed."""
    common: dict[str, Any] = {
        "operation": op.operation_id,
        "response": response,
        "body": _json(response),
    }
    desc = getattr(result, "gateway_result_description", None)
    if code in ("Rejected", "NotImplemented"):
        return GatewayRejectedError(
            redact_text(
                f"{op.operation_id}: {code} by the payment gateway "
                f"(gateway code {result.gateway_result_code!r}: {desc})"
            ),
            result=result,
            **common,
        )
    if code == "FatalFailure":
        return GatewayError(
            f"{op.operation_id}: the payment gateway failed (FatalFailure)", **common
        )
    if code == "TemporaryFailure":
        # The gateway may still complete it (reconcile treats the code the same way).
        return outcome_unknown(
            op,
            response.request,
            f"HTTP {response.status_code} with operationResultCode 'TemporaryFailure' (the "
            f"gateway may still complete it)",
            status_code=response.status_code,
            result=result,
        )
    return _unusable(op, response, f"an unknown operationResultCode {code!r}", result)


def handle_response(
    op: Operation, response: httpx.Response, parse: Callable[[Any], T] | None
) -> ApiResponse[T]:
    """Return the parsed success, or raise the typed exception for this answer."""
    status = response.status_code
    if not 200 <= status < 300:
        raise make_status_error(op, response)
    parsed: Any = None
    if parse is not None:
        body = _json(response)
        if body is _NO_BODY:
            raise _unusable(op, response, "the body is empty or not JSON")
        expected = list if op.success == "array" else dict
        if not isinstance(body, expected):
            raise _unusable(op, response, f"the body is not a JSON {expected.__name__}")
        code = body.get("operationResultCode") if isinstance(body, dict) else None
        if op.checks_result and not isinstance(code, str):
            raise _unusable(op, response, "the result has no operationResultCode")
        try:
            parsed = parse(body)
        except _MODEL_ERRORS:
            raise _unusable(op, response, "the body does not fit the documented model") from None
        if op.checks_result and (code in _FAILURE_CODES or not _known_code(parsed)):
            raise _result_error(op, response, parsed, str(code))
    return ApiResponse(
        status_code=status,
        headers=response.headers,
        content=response.content,
        parsed=parsed,
        operation=op.operation_id,
    )
