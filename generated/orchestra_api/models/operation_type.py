from enum import StrEnum
from typing import Any


class OperationType(StrEnum):
    """A value of ``OperationType``.

    A value this version of the client does not know parses as a member named ``UNKNOWN`` that
    keeps the raw value (``.value``) and writes it back unchanged, so a value the vendor adds later
    never breaks parsing.
    """

    CAPTURE = "Capture"
    CHARGE = "Charge"
    PRE_AUTH = "PreAuth"
    REFUND = "Refund"
    STATUS = "Status"
    TOKENIZE = "Tokenize"
    VOID = "Void"

    def __str__(self) -> str:
        return str(self.value)

    @property
    def is_unknown(self) -> bool:
        """True when the value is not one this version of the client knows."""
        return self._name_ == "UNKNOWN"

    @classmethod
    def _missing_(cls, value: Any) -> "OperationType | None":
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = "UNKNOWN"
        member._value_ = value
        return member
