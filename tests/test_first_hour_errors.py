"""The errors a newcomer meets first: each says what is wrong, and those that can be caught
before sending are (nothing reaches the API)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from overlay_helpers import CHARGE_BODY, SUCCESS, make_client, status

from orchestra_payments import (
    ConfigurationError,
    NotFoundError,
    RequestValidationError,
)


@pytest.mark.parametrize(
    ("amount", "shown"), [("10.00", "not a str"), (True, "not a bool"), ([10], "not a list")]
)
def test_an_amount_that_is_not_a_number_is_refused_before_sending(amount: Any, shown: str) -> None:
    client, script, _ = make_client([status(200, SUCCESS)])
    with pytest.raises(RequestValidationError) as info:
        client.payment_gateway.charge({**CHARGE_BODY, "amount": amount})
    assert info.value.field == "amount"
    assert "major units" in str(info.value) and shown in str(info.value)
    assert script.requests == []


def test_an_amount_as_a_whole_number_is_sent_as_it_is() -> None:
    """1000 is a thousand in major units (not cents): sent as given, never rescaled."""
    client, script, _ = make_client([status(200, SUCCESS)])
    client.payment_gateway.charge({**CHARGE_BODY, "amount": 1000})
    assert b'"amount":1000' in script.requests[0].content


def test_a_404_names_the_url_it_came_from() -> None:
    """A wrong path in base_url answers 404 for every call: the message shows where it went."""
    client, _, _ = make_client([status(404)])
    with pytest.raises(NotFoundError) as info:
        client.payment_gateway.list_gateways()
    assert str(info.value) == (
        "GatewayList: not found (404) at https://api.orchestrasolutions.com/PaymentGateway"
    )


def test_a_404_on_a_string_token_does_not_show_its_id() -> None:
    client, _, _ = make_client([status(404)])
    token = "a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6"
    with pytest.raises(NotFoundError) as info:
        client.string_tokens.retrieve(token)
    assert token not in str(info.value)
    assert "/StringTokens/<redacted>" in str(info.value)


async def test_a_charge_on_the_blocking_client_inside_an_event_loop_is_refused_unsent() -> None:
    """``await client.payment_gateway.charge(...)`` on the sync client would send the charge
    and then fail with a TypeError: refused before sending, saying what to use instead."""
    client, script, _ = make_client([status(200, [])])
    with pytest.raises(ConfigurationError) as info:
        await client.payment_gateway.charge(CHARGE_BODY)  # type: ignore[misc]
    assert "use AsyncOrchestra" in str(info.value) and "nothing was sent" in str(info.value)
    assert script.requests == []
    assert client.gateway_accounts.list() == []  # moves no money: allowed (if blocking)


async def test_the_blocking_client_called_by_a_sync_helper_or_a_thread_charges() -> None:
    """Not a coroutine calling it (a sync helper in an async test, a notebook cell): sent."""
    client, script, _ = make_client([status(200, SUCCESS), status(200, SUCCESS)])

    def helper() -> Any:
        return client.payment_gateway.charge(CHARGE_BODY)

    assert helper().gateway_reference == SUCCESS["gatewayReference"]
    assert len(script.requests) == 1


async def test_the_blocking_client_in_a_worker_thread_charges() -> None:
    client, script, _ = make_client([status(200, SUCCESS)])
    result = await asyncio.to_thread(client.payment_gateway.charge, CHARGE_BODY)
    assert result.gateway_reference == SUCCESS["gatewayReference"]
    assert len(script.requests) == 1


async def test_the_blocking_client_from_an_async_generator_or_a_gather_is_refused_unsent() -> None:
    """An ``async with`` dependency (an async generator) or a generator expression handed to
    ``asyncio.gather`` is async code calling the blocking client: refused, nothing sent."""
    import contextlib

    client, script, _ = make_client([status(200, SUCCESS)])

    @contextlib.asynccontextmanager
    async def charged() -> Any:
        yield await client.payment_gateway.charge(CHARGE_BODY)  # type: ignore[misc]

    with pytest.raises(ConfigurationError):
        async with charged():
            pass
    with pytest.raises(ConfigurationError):
        charges: Any = (client.payment_gateway.charge(CHARGE_BODY) for _ in range(2))
        await asyncio.gather(*charges)
    assert script.requests == []
