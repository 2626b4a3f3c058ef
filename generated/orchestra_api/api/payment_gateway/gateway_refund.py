from collections.abc import Mapping
from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.operation_result import OperationResult
from ...models.refund_request import RefundRequest
from ...models.validation_error_message import ValidationErrorMessage
from ...types import Response


def _get_kwargs(
    *,
    body: RefundRequest | Mapping[str, Any],
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "extensions": {"operation_id": "gateway_refund"},
        "url": "/PaymentGateway/refund",
    }

    _kwargs["json"] = dict(body) if isinstance(body, Mapping) else body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | OperationResult | ValidationErrorMessage | None:
    if response.status_code == 200:
        response_200 = OperationResult.from_dict(response.json())

        return response_200

    if response.status_code == 202:
        response_202 = OperationResult.from_dict(response.json())

        return response_202

    if response.status_code == 400:
        response_400 = ValidationErrorMessage.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ValidationErrorMessage.from_dict(response.json())

        return response_401

    if response.status_code == 409:
        response_409 = OperationResult.from_dict(response.json())

        return response_409

    if response.status_code == 500:
        response_500 = cast(Any, None)
        return response_500

    if response.status_code == 503:
        response_503 = cast(Any, None)
        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | OperationResult | ValidationErrorMessage]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: RefundRequest | Mapping[str, Any],
) -> Response[Any | OperationResult | ValidationErrorMessage]:
    """Perform a payment gateway refund operation

     This method allows you to submit a "refund" operation against a previously created "charge" (using
    `[POST] /PaymentGateway/charge`) or "capture" (using `[POST] /PaymentGateway/capture`) operations.

    Args:
        body (RefundRequest): Model for UPG refund operation

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | OperationResult | ValidationErrorMessage]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.send(kwargs)

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: RefundRequest | Mapping[str, Any],
) -> Any | OperationResult | ValidationErrorMessage | None:
    """Perform a payment gateway refund operation

     This method allows you to submit a "refund" operation against a previously created "charge" (using
    `[POST] /PaymentGateway/charge`) or "capture" (using `[POST] /PaymentGateway/capture`) operations.

    Args:
        body (RefundRequest): Model for UPG refund operation

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | OperationResult | ValidationErrorMessage
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: RefundRequest | Mapping[str, Any],
) -> Response[Any | OperationResult | ValidationErrorMessage]:
    """Perform a payment gateway refund operation

     This method allows you to submit a "refund" operation against a previously created "charge" (using
    `[POST] /PaymentGateway/charge`) or "capture" (using `[POST] /PaymentGateway/capture`) operations.

    Args:
        body (RefundRequest): Model for UPG refund operation

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | OperationResult | ValidationErrorMessage]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.asend(kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: RefundRequest | Mapping[str, Any],
) -> Any | OperationResult | ValidationErrorMessage | None:
    """Perform a payment gateway refund operation

     This method allows you to submit a "refund" operation against a previously created "charge" (using
    `[POST] /PaymentGateway/charge`) or "capture" (using `[POST] /PaymentGateway/capture`) operations.

    Args:
        body (RefundRequest): Model for UPG refund operation

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | OperationResult | ValidationErrorMessage
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
