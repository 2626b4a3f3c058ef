from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.string_token_input import StringTokenInput
from ...models.string_token_meta import StringTokenMeta
from ...models.validation_error_message import ValidationErrorMessage
from ...types import Response


def _get_kwargs(
    *,
    body: StringTokenInput | Mapping[str, Any],
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "extensions": {"operation_id": "store_string_token"},
        "url": "/StringTokens",
    }

    _kwargs["json"] = dict(body) if isinstance(body, Mapping) else body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> StringTokenMeta | ValidationErrorMessage | None:
    if response.status_code == 200:
        response_200 = StringTokenMeta.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = StringTokenMeta.from_dict(response.json())

        return response_201

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
) -> Response[StringTokenMeta | ValidationErrorMessage]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: StringTokenInput | Mapping[str, Any],
) -> Response[StringTokenMeta | ValidationErrorMessage]:
    """Store and tokenize a string

     This method allows you to submit a string to be stored and tokenized in our system.
    Once tokenized, the token ID will be returned in the body of the response and the full token URI
    will be returned in the `Location` header.

    Args:
        body (StringTokenInput): Model for providing a string to be tokenized

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[StringTokenMeta | ValidationErrorMessage]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.send(kwargs)

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: StringTokenInput | Mapping[str, Any],
) -> StringTokenMeta | ValidationErrorMessage | None:
    """Store and tokenize a string

     This method allows you to submit a string to be stored and tokenized in our system.
    Once tokenized, the token ID will be returned in the body of the response and the full token URI
    will be returned in the `Location` header.

    Args:
        body (StringTokenInput): Model for providing a string to be tokenized

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        StringTokenMeta | ValidationErrorMessage
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: StringTokenInput | Mapping[str, Any],
) -> Response[StringTokenMeta | ValidationErrorMessage]:
    """Store and tokenize a string

     This method allows you to submit a string to be stored and tokenized in our system.
    Once tokenized, the token ID will be returned in the body of the response and the full token URI
    will be returned in the `Location` header.

    Args:
        body (StringTokenInput): Model for providing a string to be tokenized

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[StringTokenMeta | ValidationErrorMessage]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.asend(kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: StringTokenInput | Mapping[str, Any],
) -> StringTokenMeta | ValidationErrorMessage | None:
    """Store and tokenize a string

     This method allows you to submit a string to be stored and tokenized in our system.
    Once tokenized, the token ID will be returned in the body of the response and the full token URI
    will be returned in the `Location` header.

    Args:
        body (StringTokenInput): Model for providing a string to be tokenized

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        StringTokenMeta | ValidationErrorMessage
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
