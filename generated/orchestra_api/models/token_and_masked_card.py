from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.bank_card import BankCard
    from ..models.three_ds_data import ThreeDSData


T = TypeVar("T", bound="TokenAndMaskedCard")


@_attrs_define
class TokenAndMaskedCard:
    """
    Attributes:
        bank_card (BankCard | Unset):
        error_message (None | str | Unset):
        three_ds (ThreeDSData | Unset):
        token (None | str | Unset):
        token_location (None | str | Unset):
    """

    bank_card: BankCard | Unset = UNSET
    error_message: None | str | Unset = UNSET
    three_ds: ThreeDSData | Unset = UNSET
    token: None | str | Unset = UNSET
    token_location: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        bank_card: dict[str, Any] | Unset = UNSET
        if not isinstance(self.bank_card, Unset):
            bank_card = self.bank_card.to_dict()

        error_message: None | str | Unset
        if isinstance(self.error_message, Unset):
            error_message = UNSET
        else:
            error_message = self.error_message

        three_ds: dict[str, Any] | Unset = UNSET
        if not isinstance(self.three_ds, Unset):
            three_ds = self.three_ds.to_dict()

        token: None | str | Unset
        if isinstance(self.token, Unset):
            token = UNSET
        else:
            token = self.token

        token_location: None | str | Unset
        if isinstance(self.token_location, Unset):
            token_location = UNSET
        else:
            token_location = self.token_location

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if bank_card is not UNSET:
            field_dict["bankCard"] = bank_card
        if error_message is not UNSET:
            field_dict["errorMessage"] = error_message
        if three_ds is not UNSET:
            field_dict["threeDS"] = three_ds
        if token is not UNSET:
            field_dict["token"] = token
        if token_location is not UNSET:
            field_dict["tokenLocation"] = token_location

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.bank_card import BankCard  # noqa: PLC0415
        from ..models.three_ds_data import ThreeDSData  # noqa: PLC0415

        d = dict(src_dict)
        _bank_card = d.pop("bankCard", UNSET)
        bank_card: BankCard | Unset
        if isinstance(_bank_card, Unset):
            bank_card = UNSET
        else:
            bank_card = BankCard.from_dict(_bank_card)

        def _parse_error_message(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error_message = _parse_error_message(d.pop("errorMessage", UNSET))

        _three_ds = d.pop("threeDS", UNSET)
        three_ds: ThreeDSData | Unset
        if isinstance(_three_ds, Unset):
            three_ds = UNSET
        else:
            three_ds = ThreeDSData.from_dict(_three_ds)

        def _parse_token(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        token = _parse_token(d.pop("token", UNSET))

        def _parse_token_location(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        token_location = _parse_token_location(d.pop("tokenLocation", UNSET))

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
