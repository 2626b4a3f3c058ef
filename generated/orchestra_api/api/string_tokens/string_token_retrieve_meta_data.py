from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.string_token_meta import StringTokenMeta
from ...models.validation_error_message import ValidationErrorMessage
from ...types import Response


def _get_kwargs(
    token: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "extensions": {"operation_id": "string_token_retrieve_meta_data"},
        "url": "/StringTokens/{token}/meta".format(
            token=quote(str(token), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | StringTokenMeta | ValidationErrorMessage | None:
    if response.status_code == 200:
        response_200 = StringTokenMeta.from_dict(response.json())

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
) -> Response[Any | StringTokenMeta | ValidationErrorMessage]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    token: str,
    *,
    client: AuthenticatedClient,
) -> Response[Any | StringTokenMeta | ValidationErrorMessage]:
    """Retrieve meta data of a StringToken

     This method allows you to retrieve the meta data of a StringToken.
    The response to this method will **not** retrieve the content of the StringToken (you can do that by
    using `GET /StringTokens/{token}`)

    Args:
        token (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | StringTokenMeta | ValidationErrorMessage]
    """

    kwargs = _get_kwargs(
        token=token,
    )

    response = client.send(kwargs)

    return _build_response(client=client, response=response)


def sync(
    token: str,
    *,
    client: AuthenticatedClient,
) -> Any | StringTokenMeta | ValidationErrorMessage | None:
    """Retrieve meta data of a StringToken

     This method allows you to retrieve the meta data of a StringToken.
    The response to this method will **not** retrieve the content of the StringToken (you can do that by
    using `GET /StringTokens/{token}`)

    Args:
        token (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | StringTokenMeta | ValidationErrorMessage
    """

    return sync_detailed(
        token=token,
        client=client,
    ).parsed


async def asyncio_detailed(
    token: str,
    *,
    client: AuthenticatedClient,
) -> Response[Any | StringTokenMeta | ValidationErrorMessage]:
    """Retrieve meta data of a StringToken

     This method allows you to retrieve the meta data of a StringToken.
    The response to this method will **not** retrieve the content of the StringToken (you can do that by
    using `GET /StringTokens/{token}`)

    Args:
        token (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | StringTokenMeta | ValidationErrorMessage]
    """

    kwargs = _get_kwargs(
        token=token,
    )

    response = await client.asend(kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    token: str,
    *,
    client: AuthenticatedClient,
) -> Any | StringTokenMeta | ValidationErrorMessage | None:
    """Retrieve meta data of a StringToken

     This method allows you to retrieve the meta data of a StringToken.
    The response to this method will **not** retrieve the content of the StringToken (you can do that by
    using `GET /StringTokens/{token}`)

    Args:
        token (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | StringTokenMeta | ValidationErrorMessage
    """

    return (
        await asyncio_detailed(
            token=token,
            client=client,
        )
    ).parsed
