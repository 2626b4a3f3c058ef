from enum import StrEnum
from typing import Any


class ResultCode(StrEnum):
    """A value of ``ResultCode``.

    A value this version of the client does not know parses as a member named ``UNKNOWN`` that
    keeps the raw value (``.value``) and writes it back unchanged, so a value the vendor adds later
    never breaks parsing.
    """

    ACCEPTED = "Accepted"
    FATAL_FAILURE = "FatalFailure"
    NOT_IMPLEMENTED = "NotImplemented"
    REJECTED = "Rejected"
    SUCCESS = "Success"
    TEMPORARY_FAILURE = "TemporaryFailure"

    def __str__(self) -> str:
        return str(self.value)

    @property
    def is_unknown(self) -> bool:
        """True when the value is not one this version of the client knows."""
        return self._name_ == "UNKNOWN"

    @classmethod
    def _missing_(cls, value: Any) -> "ResultCode | None":
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = "UNKNOWN"
        member._value_ = value
        return member
