from collections.abc import Mapping
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.gateway_account import GatewayAccount
from ...models.gateway_account_input import GatewayAccountInput
from ...models.validation_error_message import ValidationErrorMessage
from ...types import Response


def _get_kwargs(
    name: str,
    *,
    body: GatewayAccountInput | Mapping[str, Any],
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "extensions": {"operation_id": "payment_gateway_account_set"},
        "url": "/PaymentGatewayAccounts/{name}".format(
            name=quote(str(name), safe=""),
        ),
    }

    _kwargs["json"] = dict(body) if isinstance(body, Mapping) else body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> GatewayAccount | ValidationErrorMessage | None:
    if response.status_code == 200:
        response_200 = GatewayAccount.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ValidationErrorMessage.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ValidationErrorMessage.from_dict(response.json())

        return response_401

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[GatewayAccount | ValidationErrorMessage]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    name: str,
    *,
    client: AuthenticatedClient,
    body: GatewayAccountInput | Mapping[str, Any],
) -> Response[GatewayAccount | ValidationErrorMessage]:
    """Add or Replace a Payment Gateway Account

     A Payment Gateway Account is the set of information necessary for connecting to a specific payment
    gateway through our system.
    This method allows you to add a new stored Payment Gateway Account in the system or to replace an
    existing one.

    Args:
        name (str):
        body (GatewayAccountInput): Input Model for designating a payment gateway account

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[GatewayAccount | ValidationErrorMessage]
    """

    kwargs = _get_kwargs(
        name=name,
        body=body,
    )

    response = client.send(kwargs)

    return _build_response(client=client, response=response)


def sync(
    name: str,
    *,
    client: AuthenticatedClient,
    body: GatewayAccountInput | Mapping[str, Any],
) -> GatewayAccount | ValidationErrorMessage | None:
    """Add or Replace a Payment Gateway Account

     A Payment Gateway Account is the set of information necessary for connecting to a specific payment
    gateway through our system.
    This method allows you to add a new stored Payment Gateway Account in the system or to replace an
    existing one.

    Args:
        name (str):
        body (GatewayAccountInput): Input Model for designating a payment gateway account

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        GatewayAccount | ValidationErrorMessage
    """

    return sync_detailed(
        name=name,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    name: str,
    *,
    client: AuthenticatedClient,
    body: GatewayAccountInput | Mapping[str, Any],
) -> Response[GatewayAccount | ValidationErrorMessage]:
    """Add or Replace a Payment Gateway Account

     A Payment Gateway Account is the set of information necessary for connecting to a specific payment
    gateway through our system.
    This method allows you to add a new stored Payment Gateway Account in the system or to replace an
    existing one.

    Args:
        name (str):
        body (GatewayAccountInput): Input Model for designating a payment gateway account

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[GatewayAccount | ValidationErrorMessage]
    """

    kwargs = _get_kwargs(
        name=name,
        body=body,
    )

    response = await client.asend(kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    name: str,
    *,
    client: AuthenticatedClient,
    body: GatewayAccountInput | Mapping[str, Any],
) -> GatewayAccount | ValidationErrorMessage | None:
    """Add or Replace a Payment Gateway Account

     A Payment Gateway Account is the set of information necessary for connecting to a specific payment
    gateway through our system.
    This method allows you to add a new stored Payment Gateway Account in the system or to replace an
    existing one.

    Args:
        name (str):
        body (GatewayAccountInput): Input Model for designating a payment gateway account

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        GatewayAccount | ValidationErrorMessage
    """

    return (
        await asyncio_detailed(
            name=name,
            client=client,
            body=body,
        )
    ).parsed
