"""What the sandbox knows: currencies, gateways and the documented test cards."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_API_KEY = "sandbox-orchestra-key"

# The CurrencyCode values of the API (ISO 4217), as the spec lists them.
CURRENCIES = frozenset(
    """
    AFN EUR ALL DZD USD AOA XCD ARS AMD AWG AUD AZN BSD BHD BDT BBD BYR BZD XOF BMD BTN INR BOB
    BOV BAM BWP NOK BRL BND BGN BIF KHR XAF CAD CVE KYD CLF CLP CNY COP COU KMF CDF NZD CRC HRK
    CUC CUP ANG CZK DKK DJF DOP EGP SVC ERN ETB FKP FJD XPF GMD GEL GHS GIP GTQ GBP GNF GYD HTG
    HNL HKD HUF ISK IDR XDR IRR IQD ILS JMD JPY JOD KZT KES KPW KRW KWD KGS LAK LBP LSL ZAR LRD
    LYD CHF LTL MOP MKD MGA MWK MYR MVR MRO MUR XUA MXN MXV MDL MNT MAD MZN MMK NAD NPR NIO NGN
    OMR PKR PAB PGK PYG PEN PHP PLN QAR RON RUB RWF SHP WST STD SAR RSD SCR SLL SGD XSU SBD SOS
    SSP LKR SDG SRD SZL SEK CHE CHW SYP TWD TJS TZS THB TOP TTD TND TRY TMT UGX UAH AED USN UYI
    UYU UZS VUV VEF VND YER ZMW ZWL XBA XBB XBC XBD XTS XXX XAU XPD XPT XAG
    """.split()  # noqa: SIM905 (a table of ISO codes reads better than a literal)
)


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
