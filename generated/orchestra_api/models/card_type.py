from enum import StrEnum
from typing import Any


class CardType(StrEnum):
    """A value of ``CardType``.

    A value this version of the client does not know parses as a member named ``UNKNOWN`` that
    keeps the raw value (``.value``) and writes it back unchanged, so a value the vendor adds later
    never breaks parsing.
    """

    AMEX = "AMEX"
    BC = "BC"
    CARTA_SI = "CartaSi"
    DANKORT = "Dankort"
    DELTA = "Delta"
    DINERS_CLUB = "DinersClub"
    DISCOVER = "Discover"
    ELECTRON = "Electron"
    ELO = "Elo"
    EN_ROUTE = "enRoute"
    HIPERCARD = "Hipercard"
    JCB = "JCB"
    MAESTRO = "Maestro"
    MASTER_CARD = "MasterCard"
    MC_ALASKA = "MC_Alaska"
    MC_CANADA = "MC_Canada"
    SWITCH = "Switch"
    TROY = "Troy"
    UATP = "UATP"
    UNION_PAY = "UnionPay"
    UNSPECIFIED = "Unspecified"
    VISA = "Visa"

    def __str__(self) -> str:
        return str(self.value)

    @property
    def is_unknown(self) -> bool:
        """True when the value is not one this version of the client knows."""
        return self._name_ == "UNKNOWN"

    @classmethod
    def _missing_(cls, value: Any) -> "CardType | None":
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = "UNKNOWN"
        member._value_ = value
        return member
