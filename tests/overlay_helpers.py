"""Helpers for overlay tests on httpx.MockTransport: scripted answers, recorded sleeps."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx

from conftest import CVV, PAN, TEST_KEY
from orchestra_payments import AsyncOrchestra, Orchestra, RetryPolicy
from orchestra_payments.params import ChargeParams, RefundParams
from orchestra_payments.testing import use_clock

Step = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]

SUCCESS = {
    "operationType": "Charge",
    "operationResultCode": "Success",
    "amount": 10.0,
    "currency": "USD",
    "gatewayName": "NULLSuccess",
    "gatewayReference": "ref-1",
    "gatewayResultCode": "00",
    "gatewayResultDescription": "Approved",
}
REJECTED = {
    **SUCCESS,
    "operationResultCode": "Rejected",
    "gatewayResultCode": "05",
    "gatewayResultDescription": "Do not honor",
}

CHARGE_BODY: ChargeParams = {
    "amount": 10.0,
    "currency": "USD",
    "myRef": "order-123456",
    "paymentGatewayAccountName": "nullok",
    "card": {
        "cardHolderName": "Jane Doe",
        "cardNumber": PAN,
        "cvv": CVV,
        "expirationMonth": 12,
        "expirationYear": 2030,
    },
}
REFUND_BODY: RefundParams = {
    "amount": 10.0,
    "currency": "USD",
    "myRef": "order-123456",
    "paymentGatewayAccountName": "nullok",
    "card": CHARGE_BODY["card"],
    "refTransId": "tx-1",
}


@dataclass
class Script:
    """Answers requests in order; the last step repeats."""

    steps: list[Step]
    requests: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        step = self.steps[min(len(self.requests) - 1, len(self.steps) - 1)]
        if isinstance(step, Exception):
            raise step
        if isinstance(step, httpx.Response):
            return httpx.Response(
                step.status_code, headers=step.headers, content=step.content, request=request
            )
        return step(request)


@dataclass
class Clock:
    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)

    def __call__(self) -> float:
        return self.now


def status(code: int, body: Any = None, **headers: str) -> httpx.Response:
    if body is None:
        return httpx.Response(code, headers=headers)
    if isinstance(body, bytes):
        return httpx.Response(code, headers=headers, content=body)
    return httpx.Response(code, headers=headers, json=body)


def make_client(
    steps: Iterable[Step], *, retry: RetryPolicy | None = None, **kwargs: Any
) -> tuple[Orchestra, Script, Clock]:
    script, clock = Script(list(steps)), Clock()
    client = use_clock(
        Orchestra(
            api_key=TEST_KEY,
            base_url="https://api.orchestrasolutions.com",
            transport=httpx.MockTransport(script),
            retry=retry or RetryPolicy(wait_jitter=0.0),
            **kwargs,
        ),
        sleep=clock.sleep,
        clock=clock,
    )
    return client, script, clock


def make_async_client(
    steps: Iterable[Step], *, retry: RetryPolicy | None = None
) -> tuple[AsyncOrchestra, Script, Clock]:
    script, clock = Script(list(steps)), Clock()

    async def handler(request: httpx.Request) -> httpx.Response:
        return script(request)

    client = use_clock(
        AsyncOrchestra(
            api_key=TEST_KEY,
            base_url="https://api.orchestrasolutions.com",
            transport=httpx.MockTransport(handler),
            retry=retry or RetryPolicy(wait_jitter=0.0),
        ),
        sleep=clock.async_sleep,
        clock=clock,
    )
    return client, script, clock
