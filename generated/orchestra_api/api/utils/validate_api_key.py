from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.authentication_result import AuthenticationResult
from ...models.validation_error_message import ValidationErrorMessage
from ...types import Response


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "extensions": {"operation_id": "validate_api_key"},
        "url": "/Utils/apiKey",
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AuthenticationResult | ValidationErrorMessage | None:
    if response.status_code == 200:
        response_200 = AuthenticationResult.from_dict(response.json())

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
) -> Response[AuthenticationResult | ValidationErrorMessage]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
) -> Response[AuthenticationResult | ValidationErrorMessage]:
    """Validate Apikey

     This operation allows you to validate your API key and make sure that it is operational.
    Additionally, this method will allow you to test and check that the API is functioning properly

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuthenticationResult | ValidationErrorMessage]
    """

    kwargs = _get_kwargs()

    response = client.send(kwargs)

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
) -> AuthenticationResult | ValidationErrorMessage | None:
    """Validate Apikey

     This operation allows you to validate your API key and make sure that it is operational.
    Additionally, this method will allow you to test and check that the API is functioning properly

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuthenticationResult | ValidationErrorMessage
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
) -> Response[AuthenticationResult | ValidationErrorMessage]:
    """Validate Apikey

     This operation allows you to validate your API key and make sure that it is operational.
    Additionally, this method will allow you to test and check that the API is functioning properly

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuthenticationResult | ValidationErrorMessage]
    """

    kwargs = _get_kwargs()

    response = await client.asend(kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
) -> AuthenticationResult | ValidationErrorMessage | None:
    """Validate Apikey

     This operation allows you to validate your API key and make sure that it is operational.
    Additionally, this method will allow you to test and check that the API is functioning properly

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuthenticationResult | ValidationErrorMessage
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
