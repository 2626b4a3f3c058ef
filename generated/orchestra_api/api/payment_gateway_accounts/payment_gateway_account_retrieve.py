from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.gateway_account import GatewayAccount
from ...models.validation_error_message import ValidationErrorMessage
from ...types import Response


def _get_kwargs(
    name: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "extensions": {"operation_id": "payment_gateway_account_retrieve"},
        "url": "/PaymentGatewayAccounts/{name}".format(
            name=quote(str(name), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | GatewayAccount | ValidationErrorMessage | None:
    if response.status_code == 200:
        response_200 = GatewayAccount.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ValidationErrorMessage.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ValidationErrorMessage.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = cast(Any, None)
        return response_404

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | GatewayAccount | ValidationErrorMessage]:
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
) -> Response[Any | GatewayAccount | ValidationErrorMessage]:
    """Retrieve Payment Gateway Account

     A Payment Gateway Account is the set of information necessary for connecting to a specific payment
    gateway through our system.
    This method allows you to retrieve the information set on a particular payment gateway account. You
    can then update it using the `[PUT] PaymentGatewayAccounts/{name}` method

    Args:
        name (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | GatewayAccount | ValidationErrorMessage]
    """

    kwargs = _get_kwargs(
        name=name,
    )

    response = client.send(kwargs)

    return _build_response(client=client, response=response)


def sync(
    name: str,
    *,
    client: AuthenticatedClient,
) -> Any | GatewayAccount | ValidationErrorMessage | None:
    """Retrieve Payment Gateway Account

     A Payment Gateway Account is the set of information necessary for connecting to a specific payment
    gateway through our system.
    This method allows you to retrieve the information set on a particular payment gateway account. You
    can then update it using the `[PUT] PaymentGatewayAccounts/{name}` method

    Args:
        name (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | GatewayAccount | ValidationErrorMessage
    """

    return sync_detailed(
        name=name,
        client=client,
    ).parsed


async def asyncio_detailed(
    name: str,
    *,
    client: AuthenticatedClient,
) -> Response[Any | GatewayAccount | ValidationErrorMessage]:
    """Retrieve Payment Gateway Account

     A Payment Gateway Account is the set of information necessary for connecting to a specific payment
    gateway through our system.
    This method allows you to retrieve the information set on a particular payment gateway account. You
    can then update it using the `[PUT] PaymentGatewayAccounts/{name}` method

    Args:
        name (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | GatewayAccount | ValidationErrorMessage]
    """

    kwargs = _get_kwargs(
        name=name,
    )

    response = await client.asend(kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    name: str,
    *,
    client: AuthenticatedClient,
) -> Any | GatewayAccount | ValidationErrorMessage | None:
    """Retrieve Payment Gateway Account

     A Payment Gateway Account is the set of information necessary for connecting to a specific payment
    gateway through our system.
    This method allows you to retrieve the information set on a particular payment gateway account. You
    can then update it using the `[PUT] PaymentGatewayAccounts/{name}` method

    Args:
        name (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | GatewayAccount | ValidationErrorMessage
    """

    return (
        await asyncio_detailed(
            name=name,
            client=client,
        )
    ).parsed
