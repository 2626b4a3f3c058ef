from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.bank_card import BankCard
    from ..models.three_ds_data import ThreeDSData


T = TypeVar("T", bound="TokenAndMaskedCard")


@_attrs_define
class TokenAndMaskedCard:
    """
    Attributes:
        bank_card (BankCard | None):
        error_message (str | None):
        three_ds (ThreeDSData | None):
        token (str | None):
        token_location (str | None):
    """

    bank_card: BankCard | None = None
    error_message: str | None = None
    three_ds: ThreeDSData | None = None
    token: str | None = None
    token_location: str | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        bank_card: dict[str, Any] | None = None
        if self.bank_card is not None:
            bank_card = self.bank_card.to_dict()

        error_message: str | None
        if self.error_message is None:
            error_message = None
        else:
            error_message = self.error_message

        three_ds: dict[str, Any] | None = None
        if self.three_ds is not None:
            three_ds = self.three_ds.to_dict()

        token: str | None
        if self.token is None:
            token = None
        else:
            token = self.token

        token_location: str | None
        if self.token_location is None:
            token_location = None
        else:
            token_location = self.token_location

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if bank_card is not None:
            field_dict["bankCard"] = bank_card
        if error_message is not None:
            field_dict["errorMessage"] = error_message
        if three_ds is not None:
            field_dict["threeDS"] = three_ds
        if token is not None:
            field_dict["token"] = token
        if token_location is not None:
            field_dict["tokenLocation"] = token_location

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.bank_card import BankCard  # noqa: PLC0415
        from ..models.three_ds_data import ThreeDSData  # noqa: PLC0415

        d = dict(src_dict)
        _bank_card = d.pop("bankCard", None)
        bank_card: BankCard | None
        if _bank_card is None:
            bank_card = None
        else:
            bank_card = BankCard.from_dict(_bank_card)

        def _parse_error_message(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        error_message = _parse_error_message(d.pop("errorMessage", None))

        _three_ds = d.pop("threeDS", None)
        three_ds: ThreeDSData | None
        if _three_ds is None:
            three_ds = None
        else:
            three_ds = ThreeDSData.from_dict(_three_ds)

        def _parse_token(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        token = _parse_token(d.pop("token", None))

        def _parse_token_location(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        token_location = _parse_token_location(d.pop("tokenLocation", None))

        token_and_masked_card = cls(
            bank_card=bank_card,
            error_message=error_message,
            three_ds=three_ds,
            token=token,
            token_location=token_location,
        )

        token_and_masked_card.additional_properties = d
        return token_and_masked_card

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
