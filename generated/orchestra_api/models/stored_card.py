from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.card_type import CardType

T = TypeVar("T", bound="StoredCard")


@_attrs_define
class StoredCard:
    """
    Attributes:
        brand (CardType | None):
        expiration_month (int | None):
        expiration_year (int | None):
        last_digits (str | None):
        name_on_card (str | None):
        owner_id (str | None):
        token (str | None):
    """

    brand: CardType | None = None
    expiration_month: int | None = None
    expiration_year: int | None = None
    last_digits: str | None = None
    name_on_card: str | None = None
    owner_id: str | None = None
    token: str | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        brand: str | None = None
        if self.brand is not None:
            brand = self.brand.value

        expiration_month = self.expiration_month

        expiration_year = self.expiration_year

        last_digits: str | None
        if self.last_digits is None:
            last_digits = None
        else:
            last_digits = self.last_digits

        name_on_card: str | None
        if self.name_on_card is None:
            name_on_card = None
        else:
            name_on_card = self.name_on_card

        owner_id: str | None
        if self.owner_id is None:
            owner_id = None
        else:
            owner_id = self.owner_id

        token: str | None
        if self.token is None:
            token = None
        else:
            token = self.token

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if brand is not None:
            field_dict["brand"] = brand
        if expiration_month is not None:
            field_dict["expirationMonth"] = expiration_month
        if expiration_year is not None:
            field_dict["expirationYear"] = expiration_year
        if last_digits is not None:
            field_dict["lastDigits"] = last_digits
        if name_on_card is not None:
            field_dict["nameOnCard"] = name_on_card
        if owner_id is not None:
            field_dict["ownerId"] = owner_id
        if token is not None:
            field_dict["token"] = token

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _brand = d.pop("brand", None)
        brand: CardType | None
        if _brand is None:
            brand = None
        else:
            brand = CardType(_brand)

        expiration_month = d.pop("expirationMonth", None)

        expiration_year = d.pop("expirationYear", None)

        def _parse_last_digits(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        last_digits = _parse_last_digits(d.pop("lastDigits", None))

        def _parse_name_on_card(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        name_on_card = _parse_name_on_card(d.pop("nameOnCard", None))

        def _parse_owner_id(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        owner_id = _parse_owner_id(d.pop("ownerId", None))

        def _parse_token(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        token = _parse_token(d.pop("token", None))

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
