from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.gateway_account_summary import GatewayAccountSummary
from ...models.validation_error_message import ValidationErrorMessage
from ...types import Response


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "extensions": {"operation_id": "payment_gateway_accounts_list"},
        "url": "/PaymentGatewayAccounts",
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ValidationErrorMessage | list[GatewayAccountSummary] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = GatewayAccountSummary.from_dict(response_200_item_data)

            response_200.append(response_200_item)

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
) -> Response[ValidationErrorMessage | list[GatewayAccountSummary]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
) -> Response[ValidationErrorMessage | list[GatewayAccountSummary]]:
    """List Payment Gateway Accounts

     This method allows you to list all stored Payment Gateway Accounts in the system

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ValidationErrorMessage | list[GatewayAccountSummary]]
    """

    kwargs = _get_kwargs()

    response = client.send(kwargs)

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
) -> ValidationErrorMessage | list[GatewayAccountSummary] | None:
    """List Payment Gateway Accounts

     This method allows you to list all stored Payment Gateway Accounts in the system

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ValidationErrorMessage | list[GatewayAccountSummary]
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
) -> Response[ValidationErrorMessage | list[GatewayAccountSummary]]:
    """List Payment Gateway Accounts

     This method allows you to list all stored Payment Gateway Accounts in the system

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ValidationErrorMessage | list[GatewayAccountSummary]]
    """

    kwargs = _get_kwargs()

    response = await client.asend(kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
) -> ValidationErrorMessage | list[GatewayAccountSummary] | None:
    """List Payment Gateway Accounts

     This method allows you to list all stored Payment Gateway Accounts in the system

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ValidationErrorMessage | list[GatewayAccountSummary]
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
