from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.card_type import CardType
from ..types import UNSET, Unset

T = TypeVar("T", bound="StoredCard")


@_attrs_define
class StoredCard:
    """
    Attributes:
        brand (CardType | Unset):
        expiration_month (int | Unset):
        expiration_year (int | Unset):
        last_digits (None | str | Unset):
        name_on_card (None | str | Unset):
        owner_id (None | str | Unset):
        token (None | str | Unset):
    """

    brand: CardType | Unset = UNSET
    expiration_month: int | Unset = UNSET
    expiration_year: int | Unset = UNSET
    last_digits: None | str | Unset = UNSET
    name_on_card: None | str | Unset = UNSET
    owner_id: None | str | Unset = UNSET
    token: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        brand: str | Unset = UNSET
        if not isinstance(self.brand, Unset):
            brand = self.brand.value

        expiration_month = self.expiration_month

        expiration_year = self.expiration_year

        last_digits: None | str | Unset
        if isinstance(self.last_digits, Unset):
            last_digits = UNSET
        else:
            last_digits = self.last_digits

        name_on_card: None | str | Unset
        if isinstance(self.name_on_card, Unset):
            name_on_card = UNSET
        else:
            name_on_card = self.name_on_card

        owner_id: None | str | Unset
        if isinstance(self.owner_id, Unset):
            owner_id = UNSET
        else:
            owner_id = self.owner_id

        token: None | str | Unset
        if isinstance(self.token, Unset):
            token = UNSET
        else:
            token = self.token

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if brand is not UNSET:
            field_dict["brand"] = brand
        if expiration_month is not UNSET:
            field_dict["expirationMonth"] = expiration_month
        if expiration_year is not UNSET:
            field_dict["expirationYear"] = expiration_year
        if last_digits is not UNSET:
            field_dict["lastDigits"] = last_digits
        if name_on_card is not UNSET:
            field_dict["nameOnCard"] = name_on_card
        if owner_id is not UNSET:
            field_dict["ownerId"] = owner_id
        if token is not UNSET:
            field_dict["token"] = token

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _brand = d.pop("brand", UNSET)
        brand: CardType | Unset
        if isinstance(_brand, Unset):
            brand = UNSET
        else:
            brand = CardType(_brand)

        expiration_month = d.pop("expirationMonth", UNSET)

        expiration_year = d.pop("expirationYear", UNSET)

        def _parse_last_digits(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        last_digits = _parse_last_digits(d.pop("lastDigits", UNSET))

        def _parse_name_on_card(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name_on_card = _parse_name_on_card(d.pop("nameOnCard", UNSET))

        def _parse_owner_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        owner_id = _parse_owner_id(d.pop("ownerId", UNSET))

        def _parse_token(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        token = _parse_token(d.pop("token", UNSET))

        stored_card = cls(
            brand=brand,
            expiration_month=expiration_month,
            expiration_year=expiration_year,
            last_digits=last_digits,
            name_on_card=name_on_card,
            owner_id=owner_id,
            token=token,
        )

        stored_card.additional_properties = d
        return stored_card

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
