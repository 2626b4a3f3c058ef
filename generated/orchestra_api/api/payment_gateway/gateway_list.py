from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.payment_gateway_description import PaymentGatewayDescription
from ...models.validation_error_message import ValidationErrorMessage
from ...types import Response


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "extensions": {"operation_id": "gateway_list"},
        "url": "/PaymentGateway",
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ValidationErrorMessage | list[PaymentGatewayDescription] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = PaymentGatewayDescription.from_dict(
                response_200_item_data
            )

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
) -> Response[ValidationErrorMessage | list[PaymentGatewayDescription]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
) -> Response[ValidationErrorMessage | list[PaymentGatewayDescription]]:
    """List all payment gateways

     To provide you with full payment orchestration capabilities, we have integrated with many different
    payment gateways and processors around the world. This method allows you to retrieve the list of all
    integrated payment gateways in our system and provide you with the relevant connection settings
    required for each of them.
    To see a graphical list of the supported payment gateways, please visit our website.
    If you would like us to support a new payment gateway not on the list, please contact our support.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ValidationErrorMessage | list[PaymentGatewayDescription]]
    """

    kwargs = _get_kwargs()

    response = client.send(kwargs)

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
) -> ValidationErrorMessage | list[PaymentGatewayDescription] | None:
    """List all payment gateways

     To provide you with full payment orchestration capabilities, we have integrated with many different
    payment gateways and processors around the world. This method allows you to retrieve the list of all
    integrated payment gateways in our system and provide you with the relevant connection settings
    required for each of them.
    To see a graphical list of the supported payment gateways, please visit our website.
    If you would like us to support a new payment gateway not on the list, please contact our support.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ValidationErrorMessage | list[PaymentGatewayDescription]
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
) -> Response[ValidationErrorMessage | list[PaymentGatewayDescription]]:
    """List all payment gateways

     To provide you with full payment orchestration capabilities, we have integrated with many different
    payment gateways and processors around the world. This method allows you to retrieve the list of all
    integrated payment gateways in our system and provide you with the relevant connection settings
    required for each of them.
    To see a graphical list of the supported payment gateways, please visit our website.
    If you would like us to support a new payment gateway not on the list, please contact our support.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ValidationErrorMessage | list[PaymentGatewayDescription]]
    """

    kwargs = _get_kwargs()

    response = await client.asend(kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
) -> ValidationErrorMessage | list[PaymentGatewayDescription] | None:
    """List all payment gateways

     To provide you with full payment orchestration capabilities, we have integrated with many different
    payment gateways and processors around the world. This method allows you to retrieve the list of all
    integrated payment gateways in our system and provide you with the relevant connection settings
    required for each of them.
    To see a graphical list of the supported payment gateways, please visit our website.
    If you would like us to support a new payment gateway not on the list, please contact our support.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ValidationErrorMessage | list[PaymentGatewayDescription]
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
