"""What the sandbox knows: currencies, gateways and the documented test cards."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources

DEFAULT_API_KEY = "sandbox-orchestra-key"

_ISO4217 = json.loads(resources.files(__package__).joinpath("iso4217.json").read_text("utf-8"))
MINOR_UNITS: dict[str, int | None] = _ISO4217["minorUnits"]
"""ISO 4217 minor units by code (None: no minor unit, e.g. XAU): the project's one table."""
CURRENCIES = frozenset(MINOR_UNITS) - frozenset(_ISO4217["notInSpec"])
"""The codes the API takes: the spec's CurrencyCode values (the table's, less ``notInSpec``)."""


@dataclass(frozen=True)
class Gateway:
    name: str
    display_name: str
    description: str
    credentials_names: tuple[str, ...]
    mode: str  # "approve" | "decline" | "cards"

    def describe(self) -> dict[str, object]:
        return {
            "name": self.name,
            "displayName": self.display_name,
            "paymentGatewayUrl": None,
            "description": self.description,
            "credentialsNames": list(self.credentials_names),
            "supportsNetworkToken": False,
        }


GATEWAYS = {
    g.name: g
    for g in (
        Gateway(
            "NULLSuccess", "Null gateway (success)", "Approves every operation.", (), "approve"
        ),
        Gateway(
            "NULLFailure", "Null gateway (failure)", "Declines every operation.", (), "decline"
        ),
        Gateway(
            "SandboxCards",
            "Sandbox card gateway",
            "The documented test cards decide the outcome.",
            ("merchantId", "apiSecret"),
            "cards",
        ),
    )
}

# The documented test cards: these succeed ...
APPROVED_CARDS = frozenset(
    {"4242424242424242", "4111111111111111", "5555555555554444", "378282246310005"}
)
# ... and these are declined, with the codes a card gateway would give.
DECLINED_CARDS = {
    "4000000000000002": ("05", "Do not honor"),
    "5105105105105100": ("51", "Insufficient funds"),
    "371449635398431": ("05", "Do not honor"),
}
DECLINED_BY_NULL_FAILURE = ("NULL_FAILURE", "Declined by the NULLFailure gateway")
